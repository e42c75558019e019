/**
 * File-level backtest: reads a recorded data file (or OKX `books` pushes) and a spec file, runs, and renders the
 * JSON and HTML reports as strings. Shared by the CLI, the committed-report script and the reproducibility test.
 */
import { readFileSync } from 'node:fs';
import type { AnyStrategy } from '../strategies/types.js';
import { defaultStrategies } from '../strategies/index.js';
import { parseRecordedData, toJsonl, type ReplayEvent } from './recorded-data.js';
import { openRecordedFile, type ReplayStream } from './recorded-file.js';
import { convertOkxBooks } from './okx-books-converter.js';
import { parseBacktestSpec } from './backtest-spec.js';
import { runBacktest, type BacktestOptions } from './runner.js';
import { buildReport, serializeReport, type BacktestReport } from './report.js';
import { renderHtmlReport } from './html-report.js';
import type { Instrument } from '../ports/instruments.js';

export interface FileBacktest {
  strategy: string;
  dataPath: string;
  /** Path of a spec file, or the spec JSON text itself. */
  spec: string;
  /** The data file holds OKX `books` pushes (instruments then come from `instruments`). */
  okxBooks?: boolean;
  instruments?: readonly Instrument[];
  /** Replay only [from, to] (ms) of the data (runner.ts BacktestOptions.window). */
  window?: BacktestOptions['window'];
  onProgress?: (done: number, total: number) => void;
}

export interface RenderedReport {
  report: BacktestReport;
  json: string;
  html: string;
}

export function findStrategy(name: string): AnyStrategy {
  const registry = defaultStrategies();
  const strategy = registry.get(name);
  if (!strategy) throw new Error(`unknown strategy "${name}" (known: ${registry.names().join(', ')})`);
  return strategy;
}

export async function runFileBacktest(options: FileBacktest): Promise<RenderedReport> {
  const strategy = findStrategy(options.strategy);
  // Recorded JSONL is streamed (a recording may be larger than memory); OKX pushes are converted in memory.
  let data: { instruments: Instrument[]; events: readonly ReplayEvent[] | ReplayStream };
  if (options.okxBooks === true) {
    data = parseRecordedData(toJsonl(convertOkxBooks(readFileSync(options.dataPath, 'utf8'))));
  } else {
    const file = openRecordedFile(options.dataPath);
    // No events: runBacktest says so, after the checks below, as for data in memory.
    data = { instruments: file.instruments, events: file.stream ?? [] };
  }
  const instruments = data.instruments.length > 0 ? data.instruments : [...(options.instruments ?? [])];
  if (instruments.length === 0) throw new Error('the data file defines no instruments');
  const specText = options.spec.trimStart().startsWith('{') ? options.spec : readFileSync(options.spec, 'utf8');
  const spec = parseBacktestSpec(JSON.parse(specText) as unknown, instruments);
  const result = await runBacktest({
    strategy,
    config: spec.config,
    exchangeConfig: spec.exchangeConfig,
    riskLimits: spec.riskLimits,
    initialBalances: spec.initialBalances,
    leverage: spec.leverage,
    latencyMs: spec.latencyMs,
    instruments,
    events: data.events,
    ...(options.window ? { window: options.window } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const report = buildReport(result);
  return { report, json: serializeReport(report), html: renderHtmlReport(report) };
}
