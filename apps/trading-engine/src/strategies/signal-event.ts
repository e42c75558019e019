/**
 * The `signal` strategy event: an external TradingSignal (schemas/events/trading-signal.json, published on Redis
 * `signals:<source>` or POST /api/signals) delivered to a bot. The stable StrategyEvent union in types.ts has no
 * signal member yet, so strategies that consume signals expose an extra `onSignal` handler and the engine (and the
 * backtest runner) call it through `dispatchSignal`.
 *
 * What the engine must do: for each validated TradingSignal, build `toSignalEvent(signal)` and, for every running
 * bot whose strategy `acceptsSignals(strategy)`, call `dispatchSignal` (through the bot's event queue like any
 * other event) and route the returned intents through risk as usual.
 */
import { Decimal } from 'decimal.js';
import type { TradingSignal } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { AnyStrategy, Handler, StrategyContext, StrategyDefinition, StrategyResult } from './types.js';

export interface SignalEvent {
  type: 'signal';
  signalId: string;
  source: string;
  instrumentId: InstrumentId;
  direction: 'long' | 'short' | 'flat';
  /** 0..1 */
  confidence: number;
  price: Decimal | null;
  timestamp: number;
  /** Epoch ms after which the signal is stale, or null. */
  expiresAt: number | null;
}

export function toSignalEvent(signal: TradingSignal): SignalEvent {
  return {
    type: 'signal',
    signalId: signal.signalId,
    source: signal.source,
    instrumentId: signal.instrumentId as InstrumentId,
    direction: signal.direction,
    confidence: signal.confidence,
    price: signal.price === undefined ? null : new Decimal(signal.price),
    timestamp: signal.timestamp,
    expiresAt: signal.ttlMs === undefined ? null : signal.timestamp + signal.ttlMs,
  };
}

export type SignalStrategyDefinition<C, S> = StrategyDefinition<C, S> & { onSignal: Handler<S, SignalEvent, C> };

export function acceptsSignals(strategy: AnyStrategy): strategy is SignalStrategyDefinition<unknown, unknown> {
  return typeof (strategy as { onSignal?: unknown }).onSignal === 'function';
}

/** Routes a signal to the strategy's onSignal; no intents for strategies without one. */
export function dispatchSignal<C, S>(strategy: StrategyDefinition<C, S>, state: S, event: SignalEvent, ctx: StrategyContext, config: C): StrategyResult<S> {
  const handler = (strategy as Partial<SignalStrategyDefinition<C, S>>).onSignal;
  return handler ? handler(state, event, ctx, config) : { state, intents: [] };
}
