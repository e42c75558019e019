'use client';
/** Engine registry: heartbeat age, load, exchanges, bots owned; drain and kill switch for admins. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { OctagonX } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { EngineInfo } from '@trading/shared-types/browser';
import { ExchangeBadge } from '@/components/trading/badges';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { EmptyRow, Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useApi, usePermissions } from '@/hooks/use-api';
import { matchesExchange, useExchange } from '@/hooks/use-exchange';
import { useEngines } from '@/hooks/use-queries';
import { formatAge } from '@/lib/format';

/** Re-renders every second so heartbeat ages tick (display only; no data is fetched). */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => { setNow(Date.now()); }, 1000);
    return () => { clearInterval(t); };
  }, []);
  return now;
}

export default function EnginesPage() {
  const api = useApi();
  const qc = useQueryClient();
  const engines = useEngines();
  const { exchange } = useExchange();
  const { isAdmin } = usePermissions();
  const now = useNow();
  const [confirm, setConfirm] = useState<{ engine: EngineInfo; action: 'kill-switch' | 'drain' } | null>(null);
  const act = useMutation({
    mutationFn: ({ engine, action }: { engine: EngineInfo; action: string }) => api.send<unknown>('POST', `/api/engines/${engine.engineId}/${action}`),
    onSuccess: () => { setConfirm(null); void qc.invalidateQueries({ queryKey: ['engines'] }); },
  });
  const rows = (engines.data?.data ?? []).filter((e) => exchange === 'all' || e.supportedExchanges.some((x) => matchesExchange(exchange, x)));
  return (
    <div>
      <PageHeader title="Engines" description="Trading engines registered through their heartbeat." />
      <ErrorNote error={engines.error ?? act.error} />
      <Card>
        <CardContent className="pt-4">
          <Table data-testid="engines-table">
            <THead><TR><TH>Engine</TH><TH>Status</TH><TH>Heartbeat</TH><TH>Load</TH><TH>Exchanges</TH><TH>Bots</TH><TH>Version</TH>{isAdmin && <TH />}</TR></THead>
            <TBody>
              {rows.map((e) => {
                const age = Math.max(0, now - e.heartbeatAt);
                return (
                  <TR key={e.engineId}>
                    <TD className="font-mono text-xs">{e.engineId}<div className="text-neutral-500">{e.host}</div></TD>
                    <TD><Badge tone={e.status === 'online' ? 'green' : e.status === 'draining' ? 'amber' : 'red'}>{e.status}</Badge></TD>
                    <TD className={age > 15_000 ? 'text-red-500' : ''}>{formatAge(age)} ago</TD>
                    <TD>{e.load} / {e.capacity}</TD>
                    <TD className="space-x-1">{e.supportedExchanges.map((x) => <ExchangeBadge key={x} exchange={x} />)}</TD>
                    <TD className="text-xs">{e.botIds.length}</TD>
                    <TD className="text-xs">{e.version}</TD>
                    {isAdmin && (
                      <TD className="space-x-1 text-right">
                        <Button size="sm" variant="outline" onClick={() => { setConfirm({ engine: e, action: 'drain' }); }}>Drain</Button>
                        <Button size="sm" variant="destructive" onClick={() => { setConfirm({ engine: e, action: 'kill-switch' }); }} data-testid="kill-switch"><OctagonX /> Kill switch</Button>
                      </TD>
                    )}
                  </TR>
                );
              })}
              {rows.length === 0 && <EmptyRow colSpan={8}>{engines.isLoading ? 'Loading…' : 'No engine is registered.'}</EmptyRow>}
            </TBody>
          </Table>
        </CardContent>
      </Card>
      <Dialog open={confirm !== null} onOpenChange={(o) => { if (!o) setConfirm(null); }}>
        <DialogContent
          title={confirm?.action === 'kill-switch' ? `Kill switch on ${confirm.engine.engineId}?` : `Drain ${confirm?.engine.engineId ?? ''}?`}
          description={confirm?.action === 'kill-switch' ? 'Cancels every open order and stops every bot on this engine at once.' : 'The engine stops taking new bots; running bots continue.'}
        >
          <div className="flex justify-end gap-2">
            <DialogClose asChild><Button variant="outline">Cancel</Button></DialogClose>
            <Button variant="destructive" disabled={act.isPending} onClick={() => { if (confirm !== null) act.mutate(confirm); }}>Confirm</Button>
          </div>
        </DialogContent>
      </Dialog>
    </div>
  );
}
