'use client';
/** Client-side providers of the signed-in app: session, query cache, exchange filter, realtime socket. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import { useState, type ReactNode } from 'react';
import { ApiUrlProvider } from '@/hooks/use-config';
import { ExchangeProvider } from '@/hooks/use-exchange';
import { RealtimeProvider } from '@/hooks/use-realtime';

export function Providers({ session, apiUrl, children }: { session: Session; apiUrl: string; children: ReactNode }) {
  const [qc] = useState(
    () =>
      new QueryClient({
        // Live data arrives over the socket, so nothing needs refetch-on-focus or intervals.
        defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
  );
  return (
    // refetchInterval keeps the access token fresh (NextAuth's jwt callback refreshes it near expiry).
    <SessionProvider session={session} refetchInterval={240} refetchOnWindowFocus>
      <ApiUrlProvider value={apiUrl}>
        <QueryClientProvider client={qc}>
          <ExchangeProvider>
            <RealtimeProvider>{children}</RealtimeProvider>
          </ExchangeProvider>
        </QueryClientProvider>
      </ApiUrlProvider>
    </SessionProvider>
  );
}
