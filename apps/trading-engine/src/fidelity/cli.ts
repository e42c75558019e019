/**
 * `npm run fidelity -w @trading/trading-engine -- [--strategy market-making|grid|all] [--seed 42] [--minutes 60]
 *   [--latency 50] [--prints shared|per-order] [--memory while-shown|next-book] [--churn 3]
 *   [--queue ahead|power|log] [--queue-exponent 2] [--counts] [--hidden-replaces estimate|off] [--crossed-prints fill|ignore] [--sweep-fills per-taker|per-print] [--feed books|tick-by-tick] [--live-book public|without-own] [--json]`
 *
 * Paper-vs-live fidelity (docs/paper-trading.md): runs each strategy on the exchange simulator's seeded market
 * twice — live (the simulator's matching engine) and paper (the engine's paper matcher on the simulator's feed) —
 * on a simulated clock in-process, and prints fills, volume, fees and PnL of both with the divergence. Exit code 0
 * whatever the divergence (a measurement, not a gate); 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { runFidelity } from './fidelity.js';
import { formatReport } from './report.js';
import { FIDELITY_PRESETS } from './presets.js';

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: expected a positive number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      strategy: { type: 'string' },
      seed: { type: 'string' },
      minutes: { type: 'string' },
      latency: { type: 'string' },
      'live-book': { type: 'string' },
      prints: { type: 'string' },
      feed: { type: 'string' },
      memory: { type: 'string' },
      churn: { type: 'string' },
      queue: { type: 'string' },
      'queue-exponent': { type: 'string' },
      counts: { type: 'boolean' },
      'hidden-replaces': { type: 'string' },
      'crossed-prints': { type: 'string' },
      'sweep-fills': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  let strategies: string[];
  let seed: number;
  let minutes: number;
  let latency: number;
  let churn: number | undefined;
  let queueExponent: number | undefined;
  const queue = values.queue;
  const hidden = values['hidden-replaces'];
  const crossed = values['crossed-prints'];
  const sweepFills = values['sweep-fills'];
  const view = values['live-book'] ?? 'public';
  const prints = values.prints ?? 'shared';
  const feed = values.feed ?? 'books';
  const memory = values.memory ?? 'while-shown';
  try {
    const name = values.strategy ?? 'all';
    strategies = name === 'all' ? Object.keys(FIDELITY_PRESETS) : [name];
    for (const strategy of strategies) if (!(strategy in FIDELITY_PRESETS)) throw new Error(`--strategy: unknown "${strategy}" (known: ${Object.keys(FIDELITY_PRESETS).join(', ')}, all)`);
    seed = positiveNumber('seed', values.seed, 42);
    if (!Number.isInteger(seed)) throw new Error('--seed: expected an integer');
    minutes = positiveNumber('minutes', values.minutes, 60);
    latency = values.latency === '0' ? 0 : positiveNumber('latency', values.latency, 50);
    if (view !== 'public' && view !== 'without-own') throw new Error(`--live-book: expected public or without-own, got "${view}"`);
    if (prints !== 'shared' && prints !== 'per-order') throw new Error(`--prints: expected shared or per-order, got "${prints}"`);
    churn = values.churn === undefined ? undefined : Number(values.churn);
    if (churn !== undefined && !(Number.isInteger(churn) && churn >= 0)) throw new Error(`--churn: expected a whole number ≥ 0, got "${String(values.churn)}"`);
    if (memory !== 'next-book' && memory !== 'while-shown') throw new Error(`--memory: expected next-book or while-shown, got "${memory}"`);
    if (queue !== undefined && queue !== 'ahead' && queue !== 'power' && queue !== 'log') throw new Error(`--queue: expected ahead, power or log, got "${queue}"`);
    queueExponent = values['queue-exponent'] === undefined ? undefined : positiveNumber('queue-exponent', values['queue-exponent'], 2);
    if (hidden !== undefined && hidden !== 'estimate' && hidden !== 'off') throw new Error(`--hidden-replaces: expected estimate or off, got "${hidden}"`);
    if (crossed !== undefined && crossed !== 'fill' && crossed !== 'ignore') throw new Error(`--crossed-prints: expected fill or ignore, got "${crossed}"`);
    if (sweepFills !== undefined && sweepFills !== 'per-taker' && sweepFills !== 'per-print') throw new Error(`--sweep-fills: expected per-taker or per-print, got "${sweepFills}"`);
    if (feed !== 'books' && feed !== 'tick-by-tick') throw new Error(`--feed: expected books or tick-by-tick, got "${feed}"`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  const reports = [];
  for (const strategy of strategies) {
    const started = performance.now();
    const report = await runFidelity({ strategy, seed, durationMs: Math.round(minutes * 60_000), latencyMs: latency, liveBookView: view, printAllocation: prints, liquidityMemory: memory, feed, ...(churn === undefined ? {} : { churn }), ...(queue === undefined ? {} : { queueModel: queue }), ...(queueExponent === undefined ? {} : { queueExponent }), ...(hidden === undefined ? {} : { hiddenReplaces: hidden }), ...(crossed === undefined ? {} : { crossedPrints: crossed }), ...(sweepFills === undefined ? {} : { sweepFills }), ...(values.counts === true ? { orderCounts: true } : {}) });
    reports.push(report);
    if (values.json !== true) process.stdout.write(`${formatReport(report)}\n(${((performance.now() - started) / 1000).toFixed(1)} s wall)\n\n`);
  }
  if (values.json === true) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fidelity failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
