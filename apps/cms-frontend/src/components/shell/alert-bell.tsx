'use client';
/** Live risk events and notifications from the socket, newest first. */
import { useQuery } from '@tanstack/react-query';
import { Bell } from 'lucide-react';
import { Popover } from 'radix-ui';
import { useMemo } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { formatTime } from '@/lib/format';
import { LIVE_KEYS, type LiveAlert } from '@/lib/live-cache';

export function AlertBell() {
  const { data = [] } = useQuery<LiveAlert[]>({ queryKey: LIVE_KEYS.alerts, queryFn: () => [], staleTime: Infinity });
  const count = useMemo(() => data.length, [data]);
  return (
    <Popover.Root>
      <Popover.Trigger asChild>
        <Button variant="ghost" size="icon" aria-label="Alerts" className="relative">
          <Bell />
          {count > 0 && <span className="absolute right-1 top-1 rounded-full bg-red-600 px-1 text-[10px] leading-4 text-white">{count > 9 ? '9+' : count}</span>}
        </Button>
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="end" sideOffset={6} className="z-50 w-80 rounded-md border border-neutral-200 bg-white p-2 shadow-lg dark:border-neutral-800 dark:bg-neutral-900">
          {data.length === 0 ? (
            <p className="p-3 text-sm text-neutral-500">No alerts since this page opened.</p>
          ) : (
            <ul className="max-h-96 space-y-1 overflow-y-auto">
              {data.map((a) => (
                <li key={a.id} className="rounded p-2 text-sm hover:bg-neutral-100 dark:hover:bg-neutral-800">
                  <div className="flex items-center gap-2">
                    <Badge tone={a.severity === 'critical' ? 'red' : a.severity === 'warning' ? 'amber' : 'blue'}>{a.severity}</Badge>
                    <span className="font-medium">{a.title}</span>
                    <span className="ml-auto text-xs text-neutral-500">{formatTime(a.timestamp)}</span>
                  </div>
                  <p className="mt-1 text-xs text-neutral-500">{a.message}</p>
                </li>
              ))}
            </ul>
          )}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
