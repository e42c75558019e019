'use client';
/**
 * Backtests on recorded data, against the proposed API (docs/dashboard.md): POST /api/backtests starts a run,
 * GET /api/backtests/:id reports progress, statistics and the equity curve. When the backend has no such route
 * (404) the page says so instead of failing.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useMemo, useState, type SyntheticEvent } from 'react';
import { EXCHANGE_VALUES, type Exchange } from '@trading/shared-types/browser';
import { ConfigForm } from '@/components/trading/config-form';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { PnlChart, toChartPoints } from '@/components/trading/pnl-chart';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { Input, Label, Select } from '@/components/ui/input';
import { useApi, usePermissions } from '@/hooks/use-api';
import { useStrategies } from '@/hooks/use-queries';
import { ApiError } from '@/lib/api';
import type { BacktestRun, Page } from '@/lib/api-types';
import { buildConfig, fieldsFromSchema, initialValues, type FormValues } from '@/lib/schema-form';
import { useSchemaResolver } from '@/hooks/use-schema-resolver';


export default function BacktestsPage() {
  const api = useApi();
  const { canMutate } = usePermissions();
  const strategies = useStrategies();
  const resolve = useSchemaResolver();
  const available = useQuery({
    queryKey: ['backtests', 'list'],
    queryFn: () => api.get<Page<BacktestRun>>('/api/backtests', { limit: 20 }),
    retry: false,
  });
  const missing = available.error instanceof ApiError && available.error.status === 404;
  const [exchange, setExchange] = useState<Exchange>('okx');
  const [strategy, setStrategy] = useState('');
  const [from, setFrom] = useState(() => new Date(Date.now() - 86_400_000).toISOString().slice(0, 16));
  const [to, setTo] = useState(() => new Date().toISOString().slice(0, 16));
  const [balance, setBalance] = useState('10000');
  const [config, setConfig] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [runId, setRunId] = useState<string | null>(null);
  const chosen = strategies.data?.data.find((s) => s.name === strategy);
  const fields = useMemo(() => (chosen?.configSchema && resolve !== null ? fieldsFromSchema(chosen.configSchema, resolve) : []), [chosen, resolve]);
  const start = useMutation({
    mutationFn: (body: unknown) => api.send<BacktestRun>('POST', '/api/backtests', body),
    onSuccess: (run) => { setRunId(run.backtestId); },
  });
  const run = useQuery({
    queryKey: ['backtests', runId],
    queryFn: () => api.get<BacktestRun>(`/api/backtests/${runId ?? ''}`),
    enabled: runId !== null,
    // Until the backend emits backtest progress over Socket.IO, a running backtest is re-read every 2 s.
    refetchInterval: (q) => (q.state.data?.status === 'queued' || q.state.data?.status === 'running' ? 2000 : false),
  });

  function submit(e: SyntheticEvent) {
    e.preventDefault();
    const cfg = buildConfig(fields, config);
    if (!cfg.ok) {
      setErrors(cfg.errors);
      return;
    }
    start.mutate({ exchange, strategy, config: cfg.value, from: new Date(from).getTime(), to: new Date(to).getTime(), initialBalance: balance });
  }

  if (missing || (start.error instanceof ApiError && start.error.status === 404)) {
    return (
      <div>
        <PageHeader title="Backtests" />
        <Card data-testid="backtests-unavailable">
          <CardContent className="p-6 text-sm text-neutral-500">
            Backtesting is not available on this backend yet (GET /api/backtests answered 404). The dashboard is ready for the
            API described in docs/dashboard.md.
          </CardContent>
        </Card>
      </div>
    );
  }

  const r = run.data;
  return (
    <div className="space-y-4">
      <PageHeader title="Backtests" description="Replay recorded market data through a strategy and the paper matching engine." />
      <ErrorNote error={available.error ?? start.error ?? run.error} />
      {canMutate && (
        <Card>
          <CardHeader><CardTitle>New backtest</CardTitle></CardHeader>
          <CardContent>
            <form className="space-y-3" onSubmit={submit}>
              <div className="grid gap-3 sm:grid-cols-3">
                <div className="space-y-1"><Label htmlFor="bt-ex">Exchange</Label>
                  <Select id="bt-ex" value={exchange} onChange={(e) => { setExchange(e.target.value as Exchange); setStrategy(''); }}>
                    {EXCHANGE_VALUES.map((x) => <option key={x} value={x}>{x}</option>)}
                  </Select></div>
                <div className="space-y-1"><Label htmlFor="bt-st">Strategy</Label>
                  <Select id="bt-st" value={strategy} onChange={(e) => {
                    setStrategy(e.target.value);
                    const s = strategies.data?.data.find((x) => x.name === e.target.value);
                    setConfig(initialValues(s?.configSchema && resolve !== null ? fieldsFromSchema(s.configSchema, resolve) : []));
                  }}>
                    <option value="">Choose…</option>
                    {(strategies.data?.data ?? []).filter((s) => s.supportedExchanges.includes(exchange)).map((s) => <option key={s.name} value={s.name}>{s.displayName}</option>)}
                  </Select></div>
                <div className="space-y-1"><Label htmlFor="bt-bal">Initial balance</Label><Input id="bt-bal" value={balance} onChange={(e) => { setBalance(e.target.value); }} /></div>
                <div className="space-y-1"><Label htmlFor="bt-from">From</Label><Input id="bt-from" type="datetime-local" value={from} onChange={(e) => { setFrom(e.target.value); }} /></div>
                <div className="space-y-1"><Label htmlFor="bt-to">To</Label><Input id="bt-to" type="datetime-local" value={to} onChange={(e) => { setTo(e.target.value); }} /></div>
              </div>
              {fields.length > 0 && <ConfigForm fields={fields} values={config} errors={errors} onChange={(v, e) => { setConfig(v); setErrors(e); }} idPrefix="bt" />}
              <Button type="submit" disabled={strategy === '' || start.isPending}>Run backtest</Button>
            </form>
          </CardContent>
        </Card>
      )}
      {r !== undefined && (
        <Card>
          <CardHeader><CardTitle>Run {r.backtestId}: {r.status}</CardTitle></CardHeader>
          <CardContent className="space-y-3">
            <div className="h-2 rounded bg-neutral-200 dark:bg-neutral-800"><div className="h-2 rounded bg-sky-500" style={{ width: `${Math.min(100, Math.max(0, r.progress))}%` }} /></div>
            {r.error !== undefined && r.error !== null && <ErrorNote error={r.error} />}
            <PnlChart data={toChartPoints(r.equityCurve ?? [], ['equity'])} series={[{ key: 'equity', label: 'Equity' }]} emptyText="The equity curve appears as the run progresses." />
            <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
              {Object.entries(r.stats ?? {}).map(([k, v]) => (
                <div key={k}><dt className="text-xs text-neutral-500">{k}</dt><dd className="tabular-nums">{v ?? '—'}</dd></div>
              ))}
            </dl>
          </CardContent>
        </Card>
      )}
    </div>
  );
}
