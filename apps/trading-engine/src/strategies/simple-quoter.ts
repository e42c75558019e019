/**
 * simple-quoter: one bid and one ask around the mid of one instrument, requoted when the mid moves more than
 * `requoteBps`. The reference strategy of the engine tests and benchmarks; schemas/strategies/simple-quoter.json.
 */
import { Decimal } from 'decimal.js';
import type { SimpleQuoterConfig as RawConfig } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { defineStrategy, type StrategyContext, type StrategyResult } from './types.js';

export interface SimpleQuoterConfig {
  instrumentId: InstrumentId;
  spreadBps: Decimal;
  requoteBps: Decimal;
  quantity: Decimal | null;
  timerIntervalMs: number;
}

export interface SimpleQuoterState {
  /** Mid at the last quote, null when not quoting. */
  quotedMid: Decimal | null;
  /** Requote when the mid leaves [low, high] (the last quote's mid ± requoteBps), precomputed once per quote. */
  low: Decimal | null;
  high: Decimal | null;
  bidId: string | null;
  askId: string | null;
}

const BPS = new Decimal(10_000);

function roundToTick(price: Decimal, tick: Decimal, mode: Decimal.Rounding): Decimal {
  return price.div(tick).toDecimalPlaces(0, mode).mul(tick);
}

function quote(
  state: SimpleQuoterState,
  ctx: StrategyContext,
  config: SimpleQuoterConfig,
): StrategyResult<SimpleQuoterState> {
  const id = config.instrumentId;
  const mid = ctx.mid(id);
  const instrument = ctx.instrument(id);
  if (mid === null || instrument === undefined) return { state, intents: [] };
  if (state.low !== null && state.high !== null && state.bidId !== null && state.askId !== null) {
    if (mid.gte(state.low) && mid.lte(state.high)) return { state, intents: [] };
  }
  const offset = mid.mul(config.spreadBps).div(BPS);
  const bid = roundToTick(mid.sub(offset), instrument.tickSize, Decimal.ROUND_DOWN);
  const ask = roundToTick(mid.add(offset), instrument.tickSize, Decimal.ROUND_UP);
  const intents: Intent[] = [{ type: 'cancel-all', instrumentId: id }];
  const bidSize = config.quantity ?? ctx.suggestedOrderSize(id, 'BUY', bid);
  const askSize = config.quantity ?? ctx.suggestedOrderSize(id, 'SELL', ask);
  let bidId: string | null = null;
  let askId: string | null = null;
  if (bidSize.gt(0) && bid.gt(0)) {
    bidId = ctx.newClientOrderId();
    intents.push({
      type: 'place-order',
      instrumentId: id,
      side: 'BUY',
      orderType: 'LIMIT',
      price: bid,
      quantity: bidSize,
      clientOrderId: bidId,
    });
  }
  if (askSize.gt(0)) {
    askId = ctx.newClientOrderId();
    intents.push({
      type: 'place-order',
      instrumentId: id,
      side: 'SELL',
      orderType: 'LIMIT',
      price: ask,
      quantity: askSize,
      clientOrderId: askId,
    });
  }
  const band = mid.mul(config.requoteBps).div(BPS);
  return { state: { quotedMid: mid, low: mid.sub(band), high: mid.add(band), bidId, askId }, intents };
}

export const simpleQuoter = defineStrategy<SimpleQuoterConfig, SimpleQuoterState>({
  name: 'simple-quoter',
  description: 'Quotes one bid and one ask around the mid and requotes when the mid moves.',
  exchanges: ['okx', 'polymarket'],
  configSchema: 'SimpleQuoterConfig',
  parseConfig(raw) {
    const config = raw as unknown as RawConfig;
    return {
      instrumentId: config.instrumentId as InstrumentId,
      spreadBps: new Decimal(config.spreadBps ?? 10),
      requoteBps: new Decimal(config.requoteBps ?? 5),
      quantity: config.quantity === undefined ? null : new Decimal(config.quantity),
      timerIntervalMs: config.timerIntervalMs ?? 1000,
    };
  },
  subscriptions: (config) => [{ instrumentId: config.instrumentId, channels: ['book'] }],
  timerIntervalMs: (config) => config.timerIntervalMs,
  initialState: () => ({ quotedMid: null, low: null, high: null, bidId: null, askId: null }),
  onStart: (state, _event, ctx, config) =>
    quote({ ...state, quotedMid: null, low: null, high: null }, ctx, config),
  onBook: (state, _event, ctx, config) => quote(state, ctx, config),
  onTimer: (state, _event, ctx, config) => quote(state, ctx, config),
  onFill: (state, event) => {
    // A filled quote must be replaced on the next book or timer event.
    if (event.order.status !== 'FILLED') return { state, intents: [] };
    const id = event.order.clientOrderId;
    return {
      state: {
        ...state,
        bidId: state.bidId === id ? null : state.bidId,
        askId: state.askId === id ? null : state.askId,
      },
      intents: [],
    };
  },
  onOrderDenied: (state, event) => {
    const id = event.clientOrderId;
    if (id === null) return { state, intents: [] };
    return {
      state: {
        ...state,
        bidId: state.bidId === id ? null : state.bidId,
        askId: state.askId === id ? null : state.askId,
      },
      intents: [],
    };
  },
});
