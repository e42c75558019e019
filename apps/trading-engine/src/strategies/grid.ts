/**
 * grid (OKX): `gridCount + 1` prices between `lowerPrice` and `upperPrice`, equally spaced (arithmetic) or at equal
 * ratios (geometric). On the first book it places a BUY at every grid price below the mid and a SELL at every one
 * above (a neutral grid: on a swap the sells open shorts). When a level fills it is re-armed one level away on the
 * other side: a filled BUY at level i places a SELL at i + 1, a filled SELL at i a BUY at i − 1, so each round trip
 * earns one grid step.
 */
import { Decimal } from 'decimal.js';
import type { GridConfig as RawConfig } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { defineStrategy, type StrategyContext, type StrategyResult } from './types.js';
import { noIntents, resolveInstrumentId, roundToTick } from './strategy-kit.js';

export interface GridConfig {
  instrumentId: InstrumentId;
  lowerPrice: Decimal;
  upperPrice: Decimal;
  gridCount: number;
  spacing: 'arithmetic' | 'geometric';
  orderSize: Decimal;
}

export interface GridOrder {
  level: number;
  side: 'BUY' | 'SELL';
}

export interface GridState {
  armed: boolean;
  /** Live grid orders by client order id. */
  orders: Readonly<Record<string, GridOrder>>;
  /** Completed round trips (a SELL that followed a BUY one level below, or vice versa). */
  roundTrips: number;
}

/** The grid prices, lowest first, rounded to the tick. */
export function gridPrices(config: GridConfig, tick: Decimal): Decimal[] {
  const prices: Decimal[] = [];
  const { lowerPrice: low, upperPrice: high, gridCount: n } = config;
  for (let i = 0; i <= n; i += 1) {
    const raw = config.spacing === 'arithmetic' ? low.add(high.sub(low).mul(i).div(n)) : low.mul(high.div(low).pow(new Decimal(i).div(n)));
    prices.push(roundToTick(raw, tick, Decimal.ROUND_HALF_UP));
  }
  return prices;
}

function place(ctx: StrategyContext, config: GridConfig, price: Decimal, level: number, side: 'BUY' | 'SELL'): { id: string; intent: Intent } {
  const id = ctx.newClientOrderId();
  return { id, intent: { type: 'place-order', instrumentId: config.instrumentId, side, orderType: 'LIMIT', price, quantity: config.orderSize, clientOrderId: id, tag: `grid ${side} L${String(level)}` } };
}

function arm(state: GridState, ctx: StrategyContext, config: GridConfig): StrategyResult<GridState> {
  if (state.armed) return noIntents(state);
  const mid = ctx.mid(config.instrumentId);
  const instrument = ctx.instrument(config.instrumentId);
  if (mid === null || instrument === undefined) return noIntents(state);
  const prices = gridPrices(config, instrument.tickSize);
  const orders: Record<string, GridOrder> = {};
  const intents: Intent[] = [];
  prices.forEach((price, level) => {
    if (price.eq(mid)) return;
    const side = price.lt(mid) ? 'BUY' : 'SELL';
    const { id, intent } = place(ctx, config, price, level, side);
    orders[id] = { level, side };
    intents.push(intent);
  });
  return { state: { ...state, armed: true, orders }, intents };
}

function dropOrder(orders: Readonly<Record<string, GridOrder>>, id: string): Record<string, GridOrder> {
  const next = { ...orders };
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by client order id
  delete next[id];
  return next;
}

export const grid = defineStrategy<GridConfig, GridState>({
  name: 'grid',
  description: 'Arithmetic or geometric grid of limit orders between two bounds; filled levels are re-armed.',
  exchanges: ['okx'],
  configSchema: 'GridConfig',
  parseConfig(raw) {
    const config = raw as unknown as RawConfig;
    const lowerPrice = new Decimal(config.lowerPrice);
    const upperPrice = new Decimal(config.upperPrice);
    if (upperPrice.lte(lowerPrice)) throw new Error('grid: upperPrice must be above lowerPrice');
    return {
      instrumentId: resolveInstrumentId(config),
      lowerPrice,
      upperPrice,
      gridCount: config.gridCount ?? 10,
      spacing: config.spacing ?? 'arithmetic',
      orderSize: new Decimal(config.orderSize),
    };
  },
  subscriptions: (config) => [{ instrumentId: config.instrumentId, channels: ['book'] }],
  timerIntervalMs: () => null,
  initialState: () => ({ armed: false, orders: {}, roundTrips: 0 }),
  onStart: (state, _event, ctx, config) => arm(state, ctx, config),
  onBook: (state, _event, ctx, config) => arm(state, ctx, config),
  onFill(state, event, ctx, config) {
    const id = event.order.clientOrderId;
    const filled = state.orders[id];
    if (filled === undefined || event.order.status !== 'FILLED') return noIntents(state);
    const instrument = ctx.instrument(config.instrumentId);
    if (instrument === undefined) return noIntents(state);
    const prices = gridPrices(config, instrument.tickSize);
    const level = filled.side === 'BUY' ? filled.level + 1 : filled.level - 1;
    const orders = dropOrder(state.orders, id);
    const price = prices[level];
    if (price === undefined) return noIntents({ ...state, orders });
    const side = filled.side === 'BUY' ? 'SELL' : 'BUY';
    const next = place(ctx, config, price, level, side);
    orders[next.id] = { level, side };
    return { state: { ...state, orders, roundTrips: state.roundTrips + 1 }, intents: [next.intent] };
  },
  onOrderUpdate(state, event) {
    const status = event.order.status;
    if (status !== 'CANCELLED' && status !== 'REJECTED' && status !== 'EXPIRED' && status !== 'FAILED') return noIntents(state);
    return noIntents({ ...state, orders: dropOrder(state.orders, event.order.clientOrderId) });
  },
  onOrderDenied: (state, event) => noIntents(event.clientOrderId === null ? state : { ...state, orders: dropOrder(state.orders, event.clientOrderId) }),
  onStop: (state, _event, _ctx, config) => ({ state: { ...state, armed: false, orders: {} }, intents: [{ type: 'cancel-all', instrumentId: config.instrumentId }] }),
});
