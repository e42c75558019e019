'use client';
/** A visible banner while the realtime socket is down (it reconnects by itself). */
import { WifiOff } from 'lucide-react';
import { useRealtime } from '@/hooks/use-realtime';

export function ConnectionBanner() {
  const { state, lastError } = useRealtime();
  if (state !== 'disconnected') return null;
  return (
    <div role="status" data-testid="connection-banner" className="flex items-center gap-2 bg-amber-500/15 px-4 py-2 text-sm text-amber-700 dark:text-amber-300">
      <WifiOff className="size-4" /> Live updates disconnected{lastError !== null ? ` (${lastError})` : ''}. Reconnecting… Data shown may be stale.
    </div>
  );
}
