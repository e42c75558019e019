/**
 * dca (OKX spot): buys `quoteAmount` worth every `intervalMs` (on the strategy timer, simulated time in
 * backtests). Safety orders: the n-th is placed when the ask is `safetyOrderDeviationPct × n` percent below the
 * average entry and spends `quoteAmount × safetyOrderMultiplier^n`. Take-profit: when the bid is `takeProfitPct`
 * above the average entry, the whole position is sold and a new cycle starts.
 */
import { Decimal } from 'decimal.js';
import type { DcaConfig as RawConfig } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { defineStrategy, type StrategyContext, type StrategyResult } from './types.js';
import { noIntents, resolveInstrumentId, roundToLot } from './strategy-kit.js';

export interface DcaConfig {
  instrumentId: InstrumentId;
  intervalMs: number;
  quoteAmount: Decimal;
  safetyOrderDeviationPct: Decimal | null;
  safetyOrderMultiplier: Decimal;
  maxSafetyOrders: number;
  takeProfitPct: Decimal | null;
  maxBuys: number | null;
}

export interface DcaState {
  pending: readonly string[];
  lastBuyAt: number | null;
  /** Periodic buys in this cycle. */
  buys: number;
  /** Safety orders in this cycle. */
  safetyOrders: number;
  cycles: number;
}

const HUNDRED = new Decimal(100);
const TERMINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'FAILED', 'EXPIRED']);

function buy(ctx: StrategyContext, config: DcaConfig, spend: Decimal, tag: string): Intent | null {
  const ask = ctx.bestAsk(config.instrumentId);
  const instrument = ctx.instrument(config.instrumentId);
  if (ask === null || instrument === undefined) return null;
  const quantity = roundToLot(spend.div(ask.mul(instrument.contractValue)), instrument.lotSize);
  if (quantity.lt(instrument.minSize) || quantity.lte(0)) return null;
  return { type: 'place-order', instrumentId: config.instrumentId, side: 'BUY', orderType: 'MARKET', quantity, clientOrderId: ctx.newClientOrderId(), tag };
}

function withPending(state: DcaState, intent: Intent, patch: Partial<DcaState>): StrategyResult<DcaState> {
  const id = intent.type === 'place-order' ? intent.clientOrderId : undefined;
  return { state: { ...state, ...patch, pending: id === undefined ? state.pending : [...state.pending, id] }, intents: [intent] };
}

function periodic(state: DcaState, ctx: StrategyContext, config: DcaConfig): StrategyResult<DcaState> {
  const now = ctx.clock.now();
  if (state.pending.length > 0) return noIntents(state);
  if (state.lastBuyAt !== null && now - state.lastBuyAt < config.intervalMs) return noIntents(state);
  if (config.maxBuys !== null && state.buys >= config.maxBuys) return noIntents(state);
  const intent = buy(ctx, config, config.quoteAmount, `dca buy #${String(state.buys + 1)}`);
  return intent === null ? noIntents(state) : withPending(state, intent, { lastBuyAt: now, buys: state.buys + 1 });
}

function onPrice(state: DcaState, ctx: StrategyContext, config: DcaConfig): StrategyResult<DcaState> {
  if (state.pending.length > 0) return noIntents(state);
  const position = ctx.position(config.instrumentId);
  if (position.quantity.lte(0)) return state.lastBuyAt === null ? periodic(state, ctx, config) : noIntents(state);
  const entry = position.averageEntryPrice;
  const bid = ctx.bestBid(config.instrumentId);
  const ask = ctx.bestAsk(config.instrumentId);
  if (bid === null || ask === null || entry.lte(0)) return noIntents(state);
  if (config.takeProfitPct !== null && bid.gte(entry.mul(HUNDRED.add(config.takeProfitPct)).div(HUNDRED))) {
    const intent: Intent = { type: 'place-order', instrumentId: config.instrumentId, side: 'SELL', orderType: 'MARKET', quantity: position.quantity, clientOrderId: ctx.newClientOrderId(), tag: `take-profit at ${bid.toFixed()} (entry ${entry.toDecimalPlaces(8).toFixed()})` };
    return withPending(state, intent, { buys: 0, safetyOrders: 0, cycles: state.cycles + 1 });
  }
  const deviation = config.safetyOrderDeviationPct;
  if (deviation === null || state.safetyOrders >= config.maxSafetyOrders) return noIntents(state);
  const n = state.safetyOrders + 1;
  if (ask.gt(entry.mul(HUNDRED.sub(deviation.mul(n))).div(HUNDRED))) return noIntents(state);
  const intent = buy(ctx, config, config.quoteAmount.mul(config.safetyOrderMultiplier.pow(n)), `safety order #${String(n)} at ${ask.toFixed()}`);
  return intent === null ? noIntents(state) : withPending(state, intent, { safetyOrders: n });
}

function settle(state: DcaState, clientOrderId: string | null): DcaState {
  return clientOrderId === null ? state : { ...state, pending: state.pending.filter((id) => id !== clientOrderId) };
}

export const dca = defineStrategy<DcaConfig, DcaState>({
  name: 'dca',
  description: 'Periodic buys with optional safety orders on drawdown and a take-profit.',
  exchanges: ['okx'],
  configSchema: 'DcaConfig',
  parseConfig(raw) {
    const config = raw as unknown as RawConfig;
    return {
      instrumentId: resolveInstrumentId(config),
      intervalMs: config.intervalMs ?? 3_600_000,
      quoteAmount: new Decimal(config.quoteAmount),
      safetyOrderDeviationPct: config.safetyOrderDeviationPct === undefined ? null : new Decimal(String(config.safetyOrderDeviationPct)),
      safetyOrderMultiplier: new Decimal(String(config.safetyOrderMultiplier ?? 1.5)),
      maxSafetyOrders: config.maxSafetyOrders ?? 3,
      takeProfitPct: config.takeProfitPct === undefined ? null : new Decimal(String(config.takeProfitPct)),
      maxBuys: config.maxBuys ?? null,
    };
  },
  subscriptions: (config) => [{ instrumentId: config.instrumentId, channels: ['book'] }],
  timerIntervalMs: (config) => config.intervalMs,
  initialState: () => ({ pending: [], lastBuyAt: null, buys: 0, safetyOrders: 0, cycles: 0 }),
  onTimer: (state, _event, ctx, config) => periodic(state, ctx, config),
  onBook: (state, _event, ctx, config) => onPrice(state, ctx, config),
  onFill: (state, event) => noIntents(event.order.status === 'FILLED' ? settle(state, event.order.clientOrderId) : state),
  onOrderUpdate: (state, event) => noIntents(TERMINAL.has(event.order.status) ? settle(state, event.order.clientOrderId) : state),
  onOrderDenied: (state, event) => noIntents(settle(state, event.clientOrderId)),
});
