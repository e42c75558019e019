/**
 * The fault schedule: a pure function of (seed, trading window), so the same seed always injects the same faults at
 * the same offsets. Faults are serial — one slot each — so the recovery of one (an engine restart, Redis coming
 * back) is over before the next starts and each failover time is measured alone.
 */
import { createRng, pick, randInt, shuffle } from './rng.js';

export const FAULT_KINDS = [
  'redis-stop',
  'engine-kill',
  'backend-restart',
  'workers-restart',
  'ws-drop',
  'sequence-gap',
  'rate-limit',
  'order-timeout',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultStep =
  | { kind: 'redis-stop'; atMs: number; downMs: number }
  /** `engine` breaks a tie only: the engine running more bots is the one killed. */
  | { kind: 'engine-kill'; atMs: number; engine: number; restartAfterMs: number }
  | { kind: 'backend-restart'; atMs: number }
  | { kind: 'workers-restart'; atMs: number }
  | { kind: 'ws-drop'; atMs: number; venue: 'okx' | 'polymarket'; connection: 'all' | 'public' | 'private' | 'business' }
  | { kind: 'sequence-gap'; atMs: number; instId: string }
  | { kind: 'rate-limit'; atMs: number; venue: 'okx' | 'polymarket'; count: number }
  | { kind: 'order-timeout'; atMs: number; venue: 'okx' | 'polymarket'; delayMs: number | null };

export interface ScheduleOptions {
  seed: number;
  /** Length of the trading window the faults fall in. */
  windowMs: number;
  /** Quiet time at the start of the window (bots quoting) and at its end (everything recovered). */
  leadMs?: number;
  tailMs?: number;
  /** Faults per minute of window beyond the one of each kind (default 6). */
  perMinute?: number;
}

const INSTRUMENTS = ['BTC-USDT-SWAP', 'ETH-USDT-SWAP'] as const;

export function buildSchedule(options: ScheduleOptions): FaultStep[] {
  const rng = createRng(options.seed);
  const lead = options.leadMs ?? 8_000;
  const tail = options.tailMs ?? 12_000;
  const span = options.windowMs - lead - tail;
  if (span <= 0) throw new Error(`windowMs: ${options.windowMs} ms leaves no room for faults (lead ${lead} + tail ${tail})`);
  const extra = Math.max(0, Math.round((options.windowMs / 60_000) * (options.perMinute ?? 6)) - FAULT_KINDS.length);
  const kinds: FaultKind[] = shuffle(rng, [...FAULT_KINDS, ...Array.from({ length: extra }, () => pick(rng, FAULT_KINDS))]);
  const slot = span / kinds.length;
  return kinds.map((kind, i) => {
    // Inside its slot a fault starts in the first third, so its recovery fits in the rest.
    const atMs = Math.round(lead + i * slot + rng() * slot * 0.3);
    const recover = Math.max(500, Math.floor(slot * 0.4));
    switch (kind) {
      case 'redis-stop':
        return { kind, atMs, downMs: Math.min(randInt(rng, 1_000, 4_000), recover) };
      case 'engine-kill':
        return { kind, atMs, engine: randInt(rng, 0, 1), restartAfterMs: Math.min(randInt(rng, 2_000, 6_000), recover) };
      case 'backend-restart':
      case 'workers-restart':
        return { kind, atMs };
      case 'ws-drop':
        return { kind, atMs, venue: pick(rng, ['okx', 'okx', 'polymarket'] as const), connection: pick(rng, ['all', 'public', 'private', 'business'] as const) };
      case 'sequence-gap':
        return { kind, atMs, instId: pick(rng, INSTRUMENTS) };
      case 'rate-limit':
        return { kind, atMs, venue: pick(rng, ['okx', 'polymarket'] as const), count: randInt(rng, 5, 40) };
      case 'order-timeout':
        return { kind, atMs, venue: pick(rng, ['okx', 'polymarket'] as const), delayMs: pick(rng, [null, 3_000, 8_000] as const) };
    }
  });
}

export function describeStep(step: FaultStep): string {
  const at = `t+${(step.atMs / 1000).toFixed(1)}s`;
  switch (step.kind) {
    case 'redis-stop':
      return `${at} redis-stop for ${step.downMs} ms`;
    case 'engine-kill':
      return `${at} kill -9 the busier engine (tie: ${step.engine}), restart after ${step.restartAfterMs} ms`;
    case 'backend-restart':
    case 'workers-restart':
      return `${at} ${step.kind}`;
    case 'ws-drop':
      return `${at} ws-drop ${step.venue} ${step.connection}`;
    case 'sequence-gap':
      return `${at} sequence-gap ${step.instId}`;
    case 'rate-limit':
      return `${at} rate-limit ${step.venue} ×${step.count}`;
    case 'order-timeout':
      return `${at} order-timeout ${step.venue} ${step.delayMs === null ? 'never answered' : `answered after ${step.delayMs} ms`}`;
  }
}
