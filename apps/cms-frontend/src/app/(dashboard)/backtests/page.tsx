'use client';
/**
 * Backtests on the committed recorded data sets: pick a data set and a strategy (its config form, generated from
 * the strategy's JSON Schema, starts from the data set's committed spec; so do the risk limits, leverage and order
 * latency, all editable; an optional UTC window replays part of the recording), run it (POST /api/backtests → 202), watch
 * the progress bar move over Socket.IO (backtest-progress in the run's room), then read the equity curve and the
 * statistics. Past runs are listed below; clicking one shows it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type SyntheticEvent } from 'react';
import type { Backtest, BacktestDataset, BacktestStats } from '@trading/shared-types/browser';
import { ConfigForm } from '@/components/trading/config-form';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { PnlChart, type ChartPoint } from '@/components/trading/pnl-chart';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { EmptyRow, Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useApi, usePermissions } from '@/hooks/use-api';
import { useStrategies } from '@/hooks/use-queries';
import { useBacktestRoom, useRealtime } from '@/hooks/use-realtime';
import { useSchemaResolver } from '@/hooks/use-schema-resolver';
import type { Page } from '@/lib/api-types';
import { chartNumber, formatDecimal } from '@/lib/format';
import { riskFieldsFor } from '@/lib/risk-defaults';
import { buildConfig, fieldsFromSchema, initialValues, type FormField, type FormValues } from '@/lib/schema-form';

/** The run's simulation settings beside its risk limits; a data set's committed spec fills them in. */
const RUN_FIELDS: FormField[] = [
  { name: 'leverage', label: 'Leverage (OKX)', kind: 'integer', minimum: 1, maximum: 125, required: true },
  { name: 'latencyMs', label: 'Order latency (ms)', kind: 'integer', minimum: 0, maximum: 60000, required: true, description: 'Simulated time from an order to the venue.' },
];

/** A `datetime-local` value read as UTC, in ms; null when empty or not a time. */
function utcMs(value: string): number | null {
  if (value.trim() === '') return null;
  const ms = Date.parse(`${value}Z`);
  return Number.isFinite(ms) ? ms : null;
}

/** `ms` as a `datetime-local` value in UTC (seconds shown). */
function utcInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/**
 * The replay window from the two inputs (empty: the data set's start / end), or the message for the field at fault.
 */
function windowFrom(fromText: string, toText: string, dataset: BacktestDataset): { ok: true; value: { from?: number; to?: number } } | { ok: false; errors: Record<string, string> } {
  const from = utcMs(fromText);
  const to = utcMs(toText);
  if (fromText.trim() !== '' && from === null) return { ok: false, errors: { from: 'Not a date and time.' } };
  if (toText.trim() !== '' && to === null) return { ok: false, errors: { to: 'Not a date and time.' } };
  if (from !== null && to !== null && from >= to) return { ok: false, errors: { to: 'Must be after the start.' } };
  if (from !== null && from >= dataset.endTime) return { ok: false, errors: { from: `Must be before the data ends (${utcInput(dataset.endTime).replace('T', ' ')} UTC).` } };
  if (to !== null && to <= dataset.startTime) return { ok: false, errors: { to: `Must be after the data starts (${utcInput(dataset.startTime).replace('T', ' ')} UTC).` } };
  return { ok: true, value: { ...(from !== null ? { from } : {}), ...(to !== null ? { to } : {}) } };
}

/** Risk limits and run settings for a data set, as its committed spec has them. */
function settingsFrom(fields: FormField[], dataset: BacktestDataset): FormValues {
  const source: Record<string, unknown> = { ...dataset.defaults.riskLimits, leverage: dataset.defaults.leverage, latencyMs: dataset.defaults.latencyMs };
  const values: FormValues = {};
  for (const f of fields) {
    const v = source[f.name];
    values[f.name] = typeof v === 'number' || typeof v === 'string' ? String(v) : '';
  }
  return values;
}

const STAT_ROWS: [keyof BacktestStats, string][] = [
  ['totalPnl', 'Total PnL'],
  ['returnPct', 'Return %'],
  ['realizedPnl', 'Realized PnL'],
  ['unrealizedPnl', 'Unrealized PnL'],
  ['fees', 'Fees'],
  ['funding', 'Funding'],
  ['maxDrawdown', 'Max drawdown'],
  ['maxDrawdownPct', 'Max drawdown %'],
  ['sharpe', 'Sharpe'],
  ['annualizedVolatilityPct', 'Volatility % (ann.)'],
  ['trades', 'Trades'],
  ['winRatePct', 'Win rate %'],
  ['volume', 'Volume'],
  ['turnover', 'Turnover ×'],
  ['ordersPlaced', 'Orders placed'],
  ['venueRejected', 'Venue rejects'],
  ['startingEquity', 'Starting equity'],
  ['endingEquity', 'Ending equity'],
];

/** Form values from a committed spec: exchange config first (venue ids), then the strategy config over it. */
function valuesFrom(fields: FormField[], dataset: BacktestDataset | undefined, strategy: string): FormValues {
  const values = initialValues(fields);
  if (dataset === undefined) return values;
  const source: Record<string, unknown> = { ...dataset.defaults.exchangeConfig, ...(strategy === dataset.strategy ? dataset.defaults.config : {}) };
  for (const f of fields) {
    const v = source[f.name];
    if (typeof v === 'boolean') values[f.name] = v;
    else if (Array.isArray(v)) values[f.name] = v.map(String).join(', ');
    else if (typeof v === 'number' || typeof v === 'string') values[f.name] = String(v);
  }
  return values;
}

function statText(value: BacktestStats[keyof BacktestStats] | undefined): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export default function BacktestsPage() {
  const api = useApi();
  const qc = useQueryClient();
  const { canMutate } = usePermissions();
  const { state: socketState } = useRealtime();
  const strategies = useStrategies();
  const resolve = useSchemaResolver();
  const datasets = useQuery({ queryKey: ['backtest-datasets'], queryFn: () => api.get<{ data: BacktestDataset[] }>('/api/backtests/datasets'), staleTime: Infinity });
  const runs = useQuery({ queryKey: ['backtests', 'list'], queryFn: () => api.get<Page<Backtest>>('/api/backtests', { limit: 20 }) });
  const [datasetId, setDatasetId] = useState('');
  const [strategy, setStrategy] = useState('');
  const [balance, setBalance] = useState('');
  const [config, setConfig] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [settings, setSettings] = useState<FormValues>({});
  const [settingsErrors, setSettingsErrors] = useState<Record<string, string>>({});
  const [windowText, setWindowText] = useState({ from: '', to: '' });
  const [windowErrors, setWindowErrors] = useState<Record<string, string>>({});
  const [runId, setRunId] = useState<string | null>(null);
  const dataset = datasets.data?.data.find((d) => d.id === datasetId);
  const currency = Object.keys(dataset?.defaults.initialBalances ?? {})[0] ?? 'USDT';
  const chosen = strategies.data?.data.find((s) => s.name === strategy);
  const fields = useMemo(() => (chosen?.configSchema && resolve !== null ? fieldsFromSchema(chosen.configSchema, resolve) : []), [chosen, resolve]);
  const riskFields = useMemo(() => riskFieldsFor(dataset?.exchanges ?? []), [dataset]);
  const runFields = useMemo(() => RUN_FIELDS.filter((f) => f.name !== 'leverage' || (dataset?.exchanges ?? []).includes('okx')), [dataset]);

  function choose(nextDataset: string, nextStrategy: string) {
    setDatasetId(nextDataset);
    setStrategy(nextStrategy);
    const d = datasets.data?.data.find((x) => x.id === nextDataset);
    setBalance(Object.values(d?.defaults.initialBalances ?? {})[0] ?? '10000');
    const s = strategies.data?.data.find((x) => x.name === nextStrategy);
    const f = s?.configSchema && resolve !== null ? fieldsFromSchema(s.configSchema, resolve) : [];
    setConfig(valuesFrom(f, d, nextStrategy));
    setErrors({});
    setSettings(d === undefined ? {} : settingsFrom([...riskFieldsFor(d.exchanges), ...RUN_FIELDS], d));
    setSettingsErrors({});
    setWindowText({ from: '', to: '' });
    setWindowErrors({});
  }

  useBacktestRoom(runId);
  const run = useQuery({
    queryKey: ['backtest', runId],
    queryFn: () => api.get<Backtest>(`/api/backtests/${runId ?? ''}`),
    enabled: runId !== null,
    // Progress comes over the socket; only while it is down is a running backtest re-read.
    refetchInterval: (q) => (socketState !== 'connected' && (q.state.data?.status === 'queued' || q.state.data?.status === 'running') ? 2000 : false),
  });
  const start = useMutation({
    mutationFn: (body: unknown) => api.send<Backtest>('POST', '/api/backtests', body),
    onSuccess: (created) => {
      qc.setQueryData(['backtest', created.backtestId], created);
      setRunId(created.backtestId);
      void qc.invalidateQueries({ queryKey: ['backtests'] });
    },
  });

  function submit(e: SyntheticEvent) {
    e.preventDefault();
    const cfg = buildConfig(fields, config);
    const risk = buildConfig(riskFields, settings);
    const simulation = buildConfig(runFields, settings);
    const replay = dataset === undefined ? ({ ok: true, value: {} } as const) : windowFrom(windowText.from, windowText.to, dataset);
    if (!cfg.ok || !risk.ok || !simulation.ok || !replay.ok) {
      if (!cfg.ok) setErrors(cfg.errors);
      setSettingsErrors({ ...(risk.ok ? {} : risk.errors), ...(simulation.ok ? {} : simulation.errors) });
      setWindowErrors(replay.ok ? {} : replay.errors);
      return;
    }
    setWindowErrors({});
    start.mutate({ strategy, datasetId, config: cfg.value, riskLimits: risk.value, ...simulation.value, ...replay.value, ...(balance.trim() === '' ? {} : { initialBalances: { [currency]: balance.trim() } }) });
  }

  const r = run.data;
  const points: ChartPoint[] = (r?.equity ?? []).map((p) => ({ timestamp: p.time, equity: chartNumber(p.equity) }));
  const percent = Math.round((r?.progress ?? 0) * 100);
  return (
    <div className="space-y-4">
      <PageHeader title="Backtests" description="Replay a committed recorded data set through a strategy, the engine's risk rules and its paper matching engine." />
      <ErrorNote error={datasets.error ?? runs.error ?? start.error ?? run.error} />
      {canMutate && (
        <Card>
          <CardHeader><CardTitle>New backtest</CardTitle></CardHeader>
          <CardContent>
            <form className="space-y-3" onSubmit={submit} data-testid="backtest-form">
              <div className="grid gap-3 sm:grid-cols-3">
                <div className="space-y-1"><Label htmlFor="bt-dataset">Recorded data</Label>
                  <Select id="bt-dataset" value={datasetId} onChange={(e) => { const d = datasets.data?.data.find((x) => x.id === e.target.value); choose(e.target.value, d?.strategy ?? ''); }}>
                    <option value="">Choose…</option>
                    {(datasets.data?.data ?? []).map((d) => <option key={d.id} value={d.id}>{d.id} ({d.exchanges.join(' + ')}, {d.events} events)</option>)}
                  </Select></div>
                <div className="space-y-1"><Label htmlFor="bt-strategy">Strategy</Label>
                  <Select id="bt-strategy" value={strategy} onChange={(e) => { choose(datasetId, e.target.value); }}>
                    <option value="">Choose…</option>
                    {(strategies.data?.data ?? []).filter((s) => dataset === undefined || dataset.exchanges.every((x) => s.supportedExchanges.includes(x))).map((s) => <option key={s.name} value={s.name}>{s.displayName}</option>)}
                  </Select></div>
                <div className="space-y-1"><Label htmlFor="bt-balance">Initial balance ({currency})</Label><Input id="bt-balance" value={balance} onChange={(e) => { setBalance(e.target.value); }} /></div>
              </div>
              {dataset !== undefined && (
                <p className="text-xs text-neutral-500">
                  {new Date(dataset.startTime).toISOString().slice(0, 16).replace('T', ' ')} → {new Date(dataset.endTime).toISOString().slice(0, 16).replace('T', ' ')} UTC · {dataset.instruments.join(', ')} · recorded for {dataset.strategy}
                </p>
              )}
              {fields.length > 0 && <ConfigForm fields={fields} values={config} errors={errors} onChange={(v, e) => { setConfig(v); setErrors(e); }} idPrefix="bt" />}
              {dataset !== undefined && (
                <fieldset className="grid gap-3 sm:grid-cols-2" data-testid="backtest-window">
                  <legend className="mb-2 text-sm font-medium">Replay window (UTC; empty: the whole recording)</legend>
                  {(['from', 'to'] as const).map((edge) => (
                    <div key={edge} className="space-y-1">
                      <Label htmlFor={`bt-${edge}`}>{edge === 'from' ? 'From' : 'To'}</Label>
                      <Input
                        id={`bt-${edge}`}
                        type="datetime-local"
                        step={1}
                        min={utcInput(dataset.startTime)}
                        max={utcInput(dataset.endTime)}
                        value={windowText[edge]}
                        aria-invalid={windowErrors[edge] !== undefined}
                        onChange={(e) => { setWindowText({ ...windowText, [edge]: e.target.value }); }}
                      />
                      <FieldError message={windowErrors[edge]} />
                    </div>
                  ))}
                </fieldset>
              )}
              {dataset !== undefined && (
                <fieldset className="space-y-2" data-testid="backtest-settings">
                  <legend className="text-sm font-medium">Risk limits and simulation</legend>
                  <ConfigForm fields={[...riskFields, ...runFields]} values={settings} errors={settingsErrors} onChange={(v, e) => { setSettings(v); setSettingsErrors(e); }} idPrefix="bt-run" />
                </fieldset>
              )}
              <Button type="submit" disabled={datasetId === '' || strategy === '' || start.isPending} data-testid="run-backtest">Run backtest</Button>
            </form>
          </CardContent>
        </Card>
      )}
      {r !== undefined && (
        <Card data-testid="backtest-run" data-status={r.status}>
          <CardHeader><CardTitle>{r.strategy} on {r.datasetId}: {r.status}</CardTitle></CardHeader>
          <CardContent className="space-y-3">
            <div className="flex items-center gap-3">
              <div className="h-2 flex-1 rounded bg-neutral-200 dark:bg-neutral-800" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid="backtest-progress">
                <div className="h-2 rounded bg-sky-500 transition-[width]" style={{ width: `${String(percent)}%` }} />
              </div>
              <span className="w-12 text-right text-sm tabular-nums">{percent}%</span>
            </div>
            {r.error !== null && <ErrorNote error={r.error} />}
            <PnlChart data={points} series={[{ key: 'equity', label: `Equity (${r.stats?.currency ?? ''})` }]} emptyText={r.status === 'done' ? 'No equity points.' : 'The equity curve appears when the run is done.'} />
            {r.stats !== null && (
              <dl className="grid grid-cols-2 gap-2 text-sm sm:grid-cols-4 lg:grid-cols-6" data-testid="backtest-stats">
                {STAT_ROWS.map(([key, label]) => (
                  <div key={key} data-stat={key}><dt className="text-xs text-neutral-500">{label}</dt><dd className="tabular-nums">{statText(r.stats?.[key])}</dd></div>
                ))}
              </dl>
            )}
          </CardContent>
        </Card>
      )}
      <Card>
        <CardHeader><CardTitle>Past backtests</CardTitle></CardHeader>
        <CardContent>
          <Table data-testid="backtests-table">
            <THead><TR><TH>Started</TH><TH>Strategy</TH><TH>Data</TH><TH>Status</TH><TH className="text-right">PnL</TH><TH className="text-right">Return %</TH><TH className="text-right">Max DD %</TH><TH className="text-right">Trades</TH></TR></THead>
            <TBody>
              {(runs.data?.data ?? []).length === 0 && <EmptyRow colSpan={8}>No backtests yet.</EmptyRow>}
              {(runs.data?.data ?? []).map((b) => (
                <TR key={b.backtestId} data-backtest-id={b.backtestId} className={b.backtestId === runId ? 'cursor-pointer bg-sky-50 dark:bg-sky-950/30' : 'cursor-pointer'} onClick={() => { setRunId(b.backtestId); }}>
                  <TD>{new Date(b.createdAt).toLocaleString()}</TD>
                  <TD>{b.strategy}</TD>
                  <TD>{b.datasetId}</TD>
                  <TD>{b.status}{b.status === 'running' ? ` ${String(Math.round(b.progress * 100))}%` : ''}</TD>
                  <TD className="text-right">{b.stats ? `${formatDecimal(b.stats.totalPnl, 2, { sign: true })} ${b.stats.currency}` : '—'}</TD>
                  <TD className="text-right">{b.stats?.returnPct ?? '—'}</TD>
                  <TD className="text-right">{b.stats?.maxDrawdownPct ?? '—'}</TD>
                  <TD className="text-right">{b.stats?.trades ?? '—'}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </CardContent>
      </Card>
    </div>
  );
}
