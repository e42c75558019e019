/**
 * funding-rate-arb (OKX cash-and-carry): when the perpetual's funding rate reaches `entryFundingRate` (longs pay
 * shorts), buy `baseQuantity` spot and sell the same base amount of the perpetual (baseQuantity / contract value
 * contracts): price-neutral, collecting funding. Unwind both legs when the rate falls below `exitFundingRate` or
 * the basis (perp − spot) / spot rises above `maxBasisPct` (the short perp leg loses on a widening basis). It only
 * enters while the basis is below half of `maxBasisPct` (hysteresis).
 */
import { Decimal } from 'decimal.js';
import type { FundingRateArbConfig as RawConfig } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { defineStrategy, type StrategyContext, type StrategyResult } from './types.js';
import { noIntents, roundToLot } from './strategy-kit.js';

export interface FundingRateArbConfig {
  spot: InstrumentId;
  perp: InstrumentId;
  entryFundingRate: Decimal;
  exitFundingRate: Decimal;
  maxBasisPct: Decimal;
  baseQuantity: Decimal;
}

export interface FundingRateArbState {
  pending: readonly string[];
  /** True between the entry and the unwind orders. */
  open: boolean;
  lastRate: Decimal | null;
  entries: number;
  lastExit: string | null;
}

const HUNDRED = new Decimal(100);
const TERMINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'FAILED', 'EXPIRED']);

/** (perp mid − spot mid) / spot mid in percent, or null. */
export function basisPct(ctx: StrategyContext, config: FundingRateArbConfig): Decimal | null {
  const spot = ctx.mid(config.spot);
  const perp = ctx.mid(config.perp);
  if (spot === null || perp === null || spot.isZero()) return null;
  return perp.sub(spot).div(spot).mul(HUNDRED);
}

function market(ctx: StrategyContext, instrumentId: InstrumentId, side: 'BUY' | 'SELL', quantity: Decimal, tag: string, reduceOnly = false): Intent {
  return { type: 'place-order', instrumentId, side, orderType: 'MARKET', quantity, clientOrderId: ctx.newClientOrderId(), tag, ...(reduceOnly ? { reduceOnly } : {}) };
}

function withPending(state: FundingRateArbState, intents: Intent[], patch: Partial<FundingRateArbState>): StrategyResult<FundingRateArbState> {
  const ids = intents.flatMap((intent) => (intent.type === 'place-order' && intent.clientOrderId !== undefined ? [intent.clientOrderId] : []));
  return { state: { ...state, ...patch, pending: [...state.pending, ...ids] }, intents };
}

function decide(state: FundingRateArbState, ctx: StrategyContext, config: FundingRateArbConfig): StrategyResult<FundingRateArbState> {
  if (state.pending.length > 0 || state.lastRate === null) return noIntents(state);
  const basis = basisPct(ctx, config);
  const spotInstrument = ctx.instrument(config.spot);
  const perpInstrument = ctx.instrument(config.perp);
  if (basis === null || spotInstrument === undefined || perpInstrument === undefined) return noIntents(state);
  if (!state.open) {
    // Enter only well inside the basis limit (half of it), so one noisy tick does not open and close at once.
    if (state.lastRate.lt(config.entryFundingRate) || basis.gt(config.maxBasisPct.div(2))) return noIntents(state);
    const spotQty = roundToLot(config.baseQuantity, spotInstrument.lotSize);
    const contracts = roundToLot(config.baseQuantity.div(perpInstrument.contractValue), perpInstrument.lotSize);
    if (spotQty.lte(0) || contracts.lte(0)) return noIntents(state);
    const why = `funding ${state.lastRate.toFixed()} ≥ ${config.entryFundingRate.toFixed()}, basis ${basis.toDecimalPlaces(4).toFixed()}%`;
    return withPending(state, [market(ctx, config.spot, 'BUY', spotQty, `enter: ${why}`), market(ctx, config.perp, 'SELL', contracts, 'enter: short perp')], { open: true, entries: state.entries + 1 });
  }
  const reason = state.lastRate.lt(config.exitFundingRate) ? `funding ${state.lastRate.toFixed()} < ${config.exitFundingRate.toFixed()}` : basis.gt(config.maxBasisPct) ? `basis ${basis.toDecimalPlaces(4).toFixed()}% > ${config.maxBasisPct.toFixed()}%` : null;
  if (reason === null) return noIntents(state);
  const intents: Intent[] = [];
  const spotHeld = ctx.position(config.spot).quantity;
  const perpHeld = ctx.position(config.perp).quantity;
  if (spotHeld.gt(0)) intents.push(market(ctx, config.spot, 'SELL', spotHeld, `unwind: ${reason}`));
  if (perpHeld.lt(0)) intents.push(market(ctx, config.perp, 'BUY', perpHeld.abs(), `unwind: ${reason}`, true));
  return withPending(state, intents, { open: false, lastExit: reason });
}

function settle(state: FundingRateArbState, clientOrderId: string | null): FundingRateArbState {
  return clientOrderId === null ? state : { ...state, pending: state.pending.filter((id) => id !== clientOrderId) };
}

export const fundingRateArb = defineStrategy<FundingRateArbConfig, FundingRateArbState>({
  name: 'funding-rate-arb',
  description: 'Long spot / short perpetual while the funding rate pays; unwinds when it falls or the basis widens.',
  exchanges: ['okx'],
  configSchema: 'FundingRateArbConfig',
  parseConfig(raw) {
    const config = raw as unknown as RawConfig;
    return {
      spot: config.spotInstrumentId as InstrumentId,
      perp: config.perpInstrumentId as InstrumentId,
      entryFundingRate: new Decimal(config.entryFundingRate),
      exitFundingRate: new Decimal(config.exitFundingRate ?? 0),
      maxBasisPct: new Decimal(String(config.maxBasisPct ?? 1)),
      baseQuantity: new Decimal(config.baseQuantity),
    };
  },
  subscriptions: (config) => [
    { instrumentId: config.spot, channels: ['book'] },
    { instrumentId: config.perp, channels: ['book', 'funding'] },
  ],
  timerIntervalMs: () => null,
  initialState: () => ({ pending: [], open: false, lastRate: null, entries: 0, lastExit: null }),
  onFunding: (state, event, ctx, config) => (event.instrumentId === config.perp ? decide({ ...state, lastRate: event.fundingRate }, ctx, config) : noIntents(state)),
  // The basis is checked on perpetual updates (the spot leg is quoted continuously in live data, and a stale perp
  // book against a fresh spot tick would make a basis that never traded).
  onBook: (state, event, ctx, config) => (state.open && event.book.instrumentId === config.perp ? decide(state, ctx, config) : noIntents(state)),
  onFill: (state, event) => noIntents(event.order.status === 'FILLED' ? settle(state, event.order.clientOrderId) : state),
  onOrderUpdate: (state, event) => noIntents(TERMINAL.has(event.order.status) ? settle(state, event.order.clientOrderId) : state),
  onOrderDenied: (state, event) => noIntents(settle(state, event.clientOrderId)),
});
