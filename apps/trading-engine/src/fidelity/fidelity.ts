/** Runs one strategy live and paper on the same seed and builds the report (see session.ts for the two modes). */
import { runSession, type SessionOptions } from './session.js';
import { buildReport, type FidelityReport } from './report.js';
import { FIDELITY_PRESETS } from './presets.js';
import { DEFAULT_MATCHING, type QueueModel } from '../paper/matching-engine.js';

export interface FidelityOptions {
  strategy: string;
  seed: number;
  durationMs: number;
  latencyMs?: number;
  liveBookView?: 'public' | 'without-own';
  printAllocation?: 'per-order' | 'shared';
  feed?: 'books' | 'tick-by-tick';
  liquidityMemory?: 'next-book' | 'while-shown';
  queueModel?: QueueModel;
  /** Books carry per-level order counts (as OKX `books` does; the engine's adapter drops them today). */
  orderCounts?: boolean;
  /** Exponent of queueModel 'power'. */
  queueExponent?: number;
  /** Paper matcher's hidden-replace estimate (read by 'power'/'log' with order counts). */
  hiddenReplaces?: 'estimate' | 'off';
  /** Paper matcher's crossed prints and sweep fill reports (read by 'power'/'log'). */
  crossedPrints?: 'fill' | 'ignore';
  sweepFills?: 'per-taker' | 'per-print';
  /** Simulator levels resized (cancel + re-place) per step; default the generator's 3. */
  churn?: number;
  /** Overrides the preset's strategy config. */
  config?: Record<string, unknown>;
}

export async function runFidelity(options: FidelityOptions): Promise<FidelityReport> {
  const preset = FIDELITY_PRESETS[options.strategy];
  if (!preset) throw new Error(`strategy: no fidelity preset for "${options.strategy}" (known: ${Object.keys(FIDELITY_PRESETS).join(', ')})`);
  const latencyMs = options.latencyMs ?? 50;
  const liveBookView = options.liveBookView ?? 'public';
  const common: Omit<SessionOptions, 'mode'> = {
    strategy: preset.strategy,
    config: options.config ?? preset.config,
    exchangeConfig: preset.exchangeConfig,
    seed: options.seed,
    durationMs: options.durationMs,
    latencyMs,
    liveBookView,
    ...(options.printAllocation === undefined ? {} : { printAllocation: options.printAllocation }),
    ...(options.feed === undefined ? {} : { feed: options.feed }),
    ...(options.liquidityMemory === undefined ? {} : { liquidityMemory: options.liquidityMemory }),
    ...(options.queueModel === undefined ? {} : { queueModel: options.queueModel }),
    ...(options.queueExponent === undefined ? {} : { queueExponent: options.queueExponent }),
    ...(options.hiddenReplaces === undefined ? {} : { hiddenReplaces: options.hiddenReplaces }),
    ...(options.crossedPrints === undefined ? {} : { crossedPrints: options.crossedPrints }),
    ...(options.sweepFills === undefined ? {} : { sweepFills: options.sweepFills }),
    ...(options.orderCounts === undefined ? {} : { orderCounts: options.orderCounts }),
    ...(options.churn === undefined ? {} : { generator: { churn: options.churn } }),
  };
  const live = await runSession({ ...common, mode: 'live' });
  const paper = await runSession({ ...common, mode: 'paper' });
  return buildReport(
    { strategy: options.strategy, seed: options.seed, durationMs: options.durationMs, latencyMs, liveBookView, printAllocation: options.printAllocation ?? DEFAULT_MATCHING.printAllocation, liquidityMemory: options.liquidityMemory ?? DEFAULT_MATCHING.liquidityMemory, queueModel: queueModelLabel(options.queueModel ?? DEFAULT_MATCHING.queueModel, options.queueExponent ?? DEFAULT_MATCHING.queueExponent, { hiddenReplaces: options.orderCounts === true ? (options.hiddenReplaces ?? DEFAULT_MATCHING.hiddenReplaces) : undefined, crossedPrints: options.crossedPrints ?? DEFAULT_MATCHING.crossedPrints, sweepFills: options.sweepFills ?? DEFAULT_MATCHING.sweepFills }), orderCounts: options.orderCounts ?? false, feed: options.feed ?? 'books' },
    live,
    paper,
  );
}

/**
 * 'power k=2', 'log', 'ahead': the queue model as the report prints it; 'power' and 'log' also name the feed rules
 * they read (docs/paper-trading.md): crossed prints, sweep fills and, with order counts (`hiddenReplaces` given),
 * hidden replaces — e.g. 'power k=2 (hidden replaces estimated, crossed prints fill, sweep fills per-taker)'.
 */
export function queueModelLabel(
  model: QueueModel,
  exponent: number,
  rules: { hiddenReplaces: 'estimate' | 'off' | undefined; crossedPrints: 'fill' | 'ignore'; sweepFills: 'per-taker' | 'per-print' },
): string {
  const name = model === 'power' ? `power k=${String(exponent)}` : model;
  if (model === 'ahead') return name;
  const hidden = rules.hiddenReplaces === undefined ? [] : [`hidden replaces ${rules.hiddenReplaces === 'estimate' ? 'estimated' : 'off'}`];
  return `${name} (${[...hidden, `crossed prints ${rules.crossedPrints}`, `sweep fills ${rules.sweepFills}`].join(', ')})`;
}
