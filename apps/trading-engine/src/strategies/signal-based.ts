/**
 * signal-based: acts on external TradingSignals (see signal-event.ts for how they arrive) for its instrument when
 * the confidence reaches `minConfidence` and the signal is fresh: `long` opens (or flips to) a long of
 * `orderSize`, `short` a short (OKX: sell; Polymarket: buy the complement token), `flat` closes. While a position
 * is open, every book update checks take-profit and stop-loss against the average entry.
 */
import { Decimal } from 'decimal.js';
import type { SignalBasedConfig as RawConfig } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { defineStrategy, type StrategyContext, type StrategyResult } from './types.js';
import type { SignalEvent, SignalStrategyDefinition } from './signal-event.js';
import { complementOf, noIntents, resolveInstrumentId } from './strategy-kit.js';

export interface SignalBasedConfig {
  instrumentId: InstrumentId;
  sources: readonly string[] | null;
  minConfidence: number;
  orderSize: Decimal;
  takeProfitPct: Decimal;
  stopLossPct: Decimal;
  allowShort: boolean;
}

export interface SignalBasedState {
  /** Orders sent and not yet finished; no new decision while any is in flight. */
  pending: readonly string[];
  lastSignalId: string | null;
  /** Why the last exit happened (take-profit / stop-loss / signal), for the log and tests. */
  lastExit: string | null;
}

const HUNDRED = new Decimal(100);
const ONE = new Decimal(1);

type Holding = { instrumentId: InstrumentId; quantity: Decimal; direction: 'long' | 'short' } | null;

/** The open position: long = the instrument held/long; short = OKX short or Polymarket complement held. */
function holding(ctx: StrategyContext, config: SignalBasedConfig): Holding {
  const id = config.instrumentId;
  const own = ctx.position(id).quantity;
  if (own.gt(0)) return { instrumentId: id, quantity: own, direction: 'long' };
  if (own.lt(0)) return { instrumentId: id, quantity: own, direction: 'short' };
  const complement = complementOf(ctx.instrument(id));
  if (complement !== null) {
    const other = ctx.position(complement).quantity;
    if (other.gt(0)) return { instrumentId: complement, quantity: other, direction: 'short' };
  }
  return null;
}

function order(ctx: StrategyContext, instrumentId: InstrumentId, side: 'BUY' | 'SELL', quantity: Decimal, tag: string, reduceOnly = false): Intent {
  return { type: 'place-order', instrumentId, side, orderType: 'MARKET', quantity, clientOrderId: ctx.newClientOrderId(), tag, ...(reduceOnly ? { reduceOnly } : {}) };
}

function closeIntent(ctx: StrategyContext, held: NonNullable<Holding>, tag: string): Intent {
  return order(ctx, held.instrumentId, held.quantity.gt(0) ? 'SELL' : 'BUY', held.quantity.abs(), tag, ctx.instrument(held.instrumentId)?.exchange === 'okx');
}

function openIntent(ctx: StrategyContext, config: SignalBasedConfig, direction: 'long' | 'short', tag: string): Intent | null {
  if (direction === 'long') return order(ctx, config.instrumentId, 'BUY', config.orderSize, tag);
  const complement = complementOf(ctx.instrument(config.instrumentId));
  return complement === null ? order(ctx, config.instrumentId, 'SELL', config.orderSize, tag) : order(ctx, complement, 'BUY', config.orderSize, tag);
}

function withPending(state: SignalBasedState, intents: readonly Intent[], patch: Partial<SignalBasedState>): StrategyResult<SignalBasedState> {
  const ids = intents.flatMap((intent) => (intent.type === 'place-order' && intent.clientOrderId !== undefined ? [intent.clientOrderId] : []));
  return { state: { ...state, ...patch, pending: [...state.pending, ...ids] }, intents };
}

function onSignal(state: SignalBasedState, event: SignalEvent, ctx: StrategyContext, config: SignalBasedConfig): StrategyResult<SignalBasedState> {
  if (event.instrumentId !== config.instrumentId) return noIntents(state);
  if (config.sources !== null && !config.sources.includes(event.source)) return noIntents(state);
  if (event.confidence < config.minConfidence) return noIntents(state);
  if (event.expiresAt !== null && ctx.clock.now() > event.expiresAt) return noIntents(state);
  if (state.pending.length > 0 || state.lastSignalId === event.signalId) return noIntents(state);
  const held = holding(ctx, config);
  const patch = { lastSignalId: event.signalId };
  if (event.direction === 'flat') {
    return held === null ? noIntents({ ...state, ...patch }) : withPending(state, [closeIntent(ctx, held, `signal ${event.signalId} flat`)], { ...patch, lastExit: 'signal' });
  }
  if (event.direction === 'short' && !config.allowShort) return noIntents({ ...state, ...patch });
  if (held?.direction === event.direction) return noIntents({ ...state, ...patch });
  const intents: Intent[] = [];
  if (held !== null) intents.push(closeIntent(ctx, held, `signal ${event.signalId} flips`));
  const open = openIntent(ctx, config, event.direction, `signal ${event.signalId} ${event.direction} (${String(event.confidence)})`);
  if (open !== null) intents.push(open);
  return withPending(state, intents, patch);
}

/** Mid of the held instrument; for a Polymarket complement without its own book, 1 − mid of the traded token. */
function heldMid(ctx: StrategyContext, config: SignalBasedConfig, held: NonNullable<Holding>): Decimal | null {
  const own = ctx.mid(held.instrumentId);
  if (own !== null) return own;
  const base = ctx.mid(config.instrumentId);
  return base === null || held.instrumentId === config.instrumentId ? null : ONE.sub(base);
}

function checkExits(state: SignalBasedState, ctx: StrategyContext, config: SignalBasedConfig): StrategyResult<SignalBasedState> {
  if (state.pending.length > 0) return noIntents(state);
  const held = holding(ctx, config);
  if (held === null) return noIntents(state);
  const entry = ctx.position(held.instrumentId).averageEntryPrice;
  const mid = heldMid(ctx, config, held);
  if (mid === null || entry.lte(0)) return noIntents(state);
  // Return of the held leg in percent (a Polymarket complement is held long, so its move counts as gain).
  const move = mid.sub(entry).div(entry).mul(HUNDRED).mul(held.quantity.gt(0) ? 1 : -1);
  if (move.gte(config.takeProfitPct)) return withPending(state, [closeIntent(ctx, held, `take-profit ${move.toDecimalPlaces(2).toFixed()}%`)], { lastExit: 'take-profit' });
  if (move.lte(config.stopLossPct.neg())) return withPending(state, [closeIntent(ctx, held, `stop-loss ${move.toDecimalPlaces(2).toFixed()}%`)], { lastExit: 'stop-loss' });
  return noIntents(state);
}

function settle(state: SignalBasedState, clientOrderId: string | null): SignalBasedState {
  return clientOrderId === null ? state : { ...state, pending: state.pending.filter((id) => id !== clientOrderId) };
}

const TERMINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'FAILED', 'EXPIRED']);

const definition: SignalStrategyDefinition<SignalBasedConfig, SignalBasedState> = {
  name: 'signal-based',
  description: 'Trades external signals above a confidence threshold, with take-profit and stop-loss.',
  exchanges: ['okx', 'polymarket'],
  configSchema: 'SignalBasedConfig',
  parseConfig(raw) {
    const config = raw as unknown as RawConfig;
    return {
      instrumentId: resolveInstrumentId(config),
      sources: config.sources ?? null,
      minConfidence: config.minConfidence ?? 0.6,
      orderSize: new Decimal(config.orderSize),
      takeProfitPct: new Decimal(String(config.takeProfitPct ?? 2)),
      stopLossPct: new Decimal(String(config.stopLossPct ?? 1)),
      allowShort: config.allowShort ?? true,
    };
  },
  subscriptions: (config) => [{ instrumentId: config.instrumentId, channels: ['book'] }],
  timerIntervalMs: () => null,
  initialState: () => ({ pending: [], lastSignalId: null, lastExit: null }),
  onSignal,
  onBook: (state, _event, ctx, config) => checkExits(state, ctx, config),
  onFill: (state, event) => noIntents(event.order.status === 'FILLED' ? settle(state, event.order.clientOrderId) : state),
  onOrderUpdate: (state, event) => noIntents(TERMINAL.has(event.order.status) ? settle(state, event.order.clientOrderId) : state),
  onOrderDenied: (state, event) => noIntents(settle(state, event.clientOrderId)),
};

export const signalBased = defineStrategy(definition) as SignalStrategyDefinition<SignalBasedConfig, SignalBasedState>;
