/**
 * The backtest runner as a library (`@trading/trading-engine/backtest`), for the CMS backend's backtest worker:
 * the committed recorded data sets (committed.ts) with the spec each was committed with, and a run on one of them
 * that gives exactly what `npm run backtest` gives for the same data and spec (both go through runFileBacktest).
 * A subpath of its own so a consumer does not load the exchange adapters and the Redis bridge.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Exchange } from '@trading/shared-types';
import { COMMITTED_BACKTESTS, DATA_DIR } from './committed.js';
import { eventTime, parseRecordedData } from './recorded-data.js';
import { findStrategy, runFileBacktest } from './backtest-files.js';
import { parseStrategyConfig } from './runner.js';
import type { BacktestReport } from './report.js';

export type { BacktestReport } from './report.js';

/** The spec a data set was committed with: what an omitted field of a run takes. */
export interface DatasetDefaults {
  config: Record<string, unknown>;
  exchangeConfig: Record<string, unknown>;
  riskLimits: Record<string, unknown>;
  initialBalances: Record<string, string>;
  leverage: number;
  latencyMs: number;
}

export interface BacktestDatasetInfo {
  id: string;
  /** The strategy the data set was recorded for. */
  strategy: string;
  exchanges: Exchange[];
  instruments: string[];
  startTime: number;
  endTime: number;
  events: number;
  defaults: DatasetDefaults;
}

interface Dataset {
  info: BacktestDatasetInfo;
  path: string;
}

let datasets: Map<string, Dataset> | null = null;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loadDatasets(): Map<string, Dataset> {
  const out = new Map<string, Dataset>();
  for (const committed of COMMITTED_BACKTESTS) {
    const path = join(DATA_DIR, committed.data);
    const data = parseRecordedData(readFileSync(path, 'utf8'));
    const spec = JSON.parse(readFileSync(join(DATA_DIR, committed.spec), 'utf8')) as Record<string, unknown>;
    const balances = isRecord(spec.initialBalances) ? spec.initialBalances : {};
    const first = data.events[0];
    const last = data.events.at(-1);
    const id = committed.data.replace(/\.jsonl$/, '');
    out.set(id, {
      path,
      info: {
        id,
        strategy: committed.strategy,
        exchanges: [...new Set(data.instruments.map((instrument) => instrument.exchange))].sort(),
        instruments: data.instruments.map((instrument) => instrument.id),
        startTime: first === undefined ? 0 : eventTime(first),
        endTime: last === undefined ? 0 : eventTime(last),
        events: data.events.length,
        defaults: {
          config: isRecord(spec.config) ? spec.config : {},
          exchangeConfig: isRecord(spec.exchangeConfig) ? spec.exchangeConfig : {},
          riskLimits: isRecord(spec.riskLimits) ? spec.riskLimits : {},
          initialBalances: Object.fromEntries(Object.entries(balances).map(([currency, amount]) => [currency, String(amount)])),
          leverage: typeof spec.leverage === 'number' ? spec.leverage : 1,
          latencyMs: typeof spec.latencyMs === 'number' ? spec.latencyMs : 50,
        },
      },
    });
  }
  return out;
}

/** The committed data sets, read once per process (a few hundred kB in all). */
export function listBacktestDatasets(): BacktestDatasetInfo[] {
  datasets ??= loadDatasets();
  return [...datasets.values()].map((dataset) => dataset.info);
}

export function findBacktestDataset(id: string): BacktestDatasetInfo | undefined {
  datasets ??= loadDatasets();
  return datasets.get(id)?.info;
}

export interface DatasetBacktest {
  strategy: string;
  datasetId: string;
  /** Omitted: the data set's committed config, when `strategy` is the one it was recorded for; else {}. */
  config?: Record<string, unknown>;
  exchangeConfig?: Record<string, unknown>;
  riskLimits?: Record<string, unknown>;
  initialBalances?: Record<string, string>;
  leverage?: number;
  latencyMs?: number;
  /** Replay only [from, to] (ms) of the data set (runner.ts BacktestOptions.window); omitted: its start / end. */
  from?: number;
  to?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The full spec (backtest-spec.ts format) a run uses: the request over the data set's committed spec. */
export function datasetSpec(input: Omit<DatasetBacktest, 'onProgress'>): DatasetDefaults {
  const dataset = findBacktestDataset(input.datasetId);
  if (dataset === undefined) throw new Error(`unknown data set "${input.datasetId}"`);
  const d = dataset.defaults;
  return {
    config: input.config ?? (input.strategy === dataset.strategy ? d.config : {}),
    exchangeConfig: input.exchangeConfig ?? d.exchangeConfig,
    riskLimits: input.riskLimits ?? d.riskLimits,
    initialBalances: input.initialBalances ?? d.initialBalances,
    leverage: input.leverage ?? d.leverage,
    latencyMs: input.latencyMs ?? d.latencyMs,
  };
}

/**
 * Checks a run before it is queued, as the run itself would: the data set and strategy exist and the config passes
 * the strategy's schema and parseConfig. Throws an Error naming the problem.
 */
export function checkDatasetBacktest(input: Omit<DatasetBacktest, 'onProgress'>): void {
  const spec = datasetSpec(input);
  parseStrategyConfig(findStrategy(input.strategy), spec.config, spec.exchangeConfig);
  const windowError = datasetWindowError(input);
  if (windowError !== null) throw new Error(windowError);
}

/** Why [from, to] cannot be replayed on the data set (from after to, or no overlap with its data), or null. */
export function datasetWindowError(input: Pick<DatasetBacktest, 'datasetId' | 'from' | 'to'>): string | null {
  const dataset = findBacktestDataset(input.datasetId);
  if (dataset === undefined) return `unknown data set "${input.datasetId}"`;
  const { from, to } = input;
  if (from !== undefined && to !== undefined && from > to) return `from (${String(from)}) is after to (${String(to)})`;
  if ((from ?? dataset.startTime) > dataset.endTime || (to ?? dataset.endTime) < dataset.startTime)
    return `the window holds none of the data set's events (${new Date(dataset.startTime).toISOString()} – ${new Date(dataset.endTime).toISOString()})`;
  return null;
}

/** Runs one backtest on a committed data set; deterministic: the same input gives the same report. */
export async function runDatasetBacktest(input: DatasetBacktest): Promise<BacktestReport> {
  const spec = datasetSpec(input);
  datasets ??= loadDatasets();
  const path = datasets.get(input.datasetId)?.path ?? '';
  const rendered = await runFileBacktest({
    strategy: input.strategy,
    dataPath: path,
    spec: JSON.stringify(spec),
    window: { from: input.from, to: input.to },
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
  });
  return rendered.report;
}
