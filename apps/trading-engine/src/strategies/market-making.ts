/**
 * market-making: bid and ask levels around the mid, requoted when the (inventory-skewed) mid moved more than the
 * refresh threshold or after a fill. Inventory skew shifts both quotes against the position so fills tend to
 * flatten it; maxInventory stops quoting the side that would grow it further.
 *
 * Polymarket: the YES/NO pair is one book. Selling YES needs YES shares, so the ask side is a BUY of the NO token
 * at 1 − ask: buy YES at `bid` + buy NO at `1 − ask` costs 1 − (ask − bid) ≤ 1 − spread per pair, and the pair
 * pays 1 at resolution. Net inventory is YES shares − NO shares.
 *
 * Config: schemas/strategies/market-making.json, merged with the bot's exchangeConfig (`{ marketId, tokenId }` or
 * `{ instId }`), see strategy-kit.ts.
 */
import { Decimal } from 'decimal.js';
import type { MarketMakingConfig as RawConfig } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { defineStrategy, type StrategyContext, type StrategyResult } from './types.js';
import { complementOf, noIntents, resolveInstrumentId, roundToTick } from './strategy-kit.js';

export interface MarketMakingConfig {
  instrumentId: InstrumentId;
  /** Absolute width, or null when spreadBps is used. */
  spread: Decimal | null;
  spreadBps: Decimal | null;
  orderSize: Decimal;
  levels: number;
  /** null = one tick. */
  levelSpacing: Decimal | null;
  /** null = one tick. */
  refreshThreshold: Decimal | null;
  inventorySkew: Decimal;
  maxInventory: Decimal | null;
  timerIntervalMs: number;
}

export interface MarketMakingState {
  /** Skewed mid the live quotes were built on; null = requote at the next event. */
  quotedMid: Decimal | null;
  quoting: boolean;
}

const TWO = new Decimal(2);
const BPS = new Decimal(10_000);

/** Net inventory in order units: the position, or YES − NO shares on Polymarket. */
export function netInventory(ctx: StrategyContext, id: InstrumentId): Decimal {
  const own = ctx.position(id).quantity;
  const complement = complementOf(ctx.instrument(id));
  return complement === null ? own : own.sub(ctx.position(complement).quantity);
}

function quote(state: MarketMakingState, ctx: StrategyContext, config: MarketMakingConfig): StrategyResult<MarketMakingState> {
  const id = config.instrumentId;
  const mid = ctx.mid(id);
  const instrument = ctx.instrument(id);
  if (mid === null || instrument === undefined) return noIntents(state);
  const tick = instrument.tickSize;
  const inventory = netInventory(ctx, id);
  const fair = mid.sub(config.inventorySkew.mul(inventory));
  if (state.quoting && state.quotedMid !== null && fair.sub(state.quotedMid).abs().lte(config.refreshThreshold ?? tick)) return noIntents(state);

  const complement = complementOf(instrument);
  const half = config.spread !== null ? config.spread.div(TWO) : mid.mul(config.spreadBps ?? 0).div(BPS).div(TWO);
  const spacing = config.levelSpacing ?? tick;
  const intents: Intent[] = [{ type: 'cancel-all', instrumentId: id }];
  if (complement !== null) intents.push({ type: 'cancel-all', instrumentId: complement });
  const max = config.maxInventory;
  for (let level = 0; level < config.levels; level += 1) {
    const offset = half.add(spacing.mul(level));
    const bid = roundToTick(fair.sub(offset), tick, Decimal.ROUND_DOWN);
    const ask = roundToTick(fair.add(offset), tick, Decimal.ROUND_UP);
    const size = config.orderSize;
    const growth = size.mul(level + 1);
    const canBuy = max === null || inventory.add(growth).lte(max);
    const canSell = max === null || inventory.sub(growth).gte(max.neg());
    if (canBuy && bid.gt(0) && (complement === null || bid.lt(1))) {
      intents.push({ type: 'place-order', instrumentId: id, side: 'BUY', orderType: 'LIMIT', price: bid, quantity: size, clientOrderId: ctx.newClientOrderId(), tag: `bid L${String(level)}` });
    }
    if (!canSell) continue;
    if (complement === null) {
      intents.push({ type: 'place-order', instrumentId: id, side: 'SELL', orderType: 'LIMIT', price: ask, quantity: size, clientOrderId: ctx.newClientOrderId(), tag: `ask L${String(level)}` });
    } else if (ask.lt(1) && ask.gt(0)) {
      // The ask on YES, expressed as a bid on NO (Polymarket pairs): 1 − ask.
      intents.push({ type: 'place-order', instrumentId: complement, side: 'BUY', orderType: 'LIMIT', price: new Decimal(1).sub(ask), quantity: size, clientOrderId: ctx.newClientOrderId(), tag: `ask L${String(level)} as NO bid`, outcome: 'NO' });
    }
  }
  return { state: { quotedMid: fair, quoting: true }, intents };
}

function parseDecimal(value: string | undefined): Decimal | null {
  return value === undefined ? null : new Decimal(value);
}

export const marketMaking = defineStrategy<MarketMakingConfig, MarketMakingState>({
  name: 'market-making',
  description: 'Quotes levels around the mid with a spread, refresh threshold and inventory skew; YES/NO as one book on Polymarket.',
  exchanges: ['polymarket', 'okx'],
  configSchema: 'MarketMakingConfig',
  parseConfig(raw) {
    const config = raw as unknown as RawConfig;
    if (config.spread === undefined && config.spreadBps === undefined) throw new Error('market-making needs spread or spreadBps');
    return {
      instrumentId: resolveInstrumentId(config),
      spread: parseDecimal(config.spread),
      spreadBps: config.spreadBps === undefined ? null : new Decimal(String(config.spreadBps)),
      orderSize: new Decimal(config.orderSize),
      levels: config.levels ?? 1,
      levelSpacing: parseDecimal(config.levelSpacing),
      refreshThreshold: parseDecimal(config.refreshThreshold),
      inventorySkew: new Decimal(config.inventorySkew ?? 0),
      maxInventory: parseDecimal(config.maxInventory),
      timerIntervalMs: config.timerIntervalMs ?? 5000,
    };
  },
  subscriptions: (config) => [{ instrumentId: config.instrumentId, channels: ['book'] }],
  timerIntervalMs: (config) => config.timerIntervalMs,
  initialState: () => ({ quotedMid: null, quoting: false }),
  onStart: (state, _event, ctx, config) => quote({ ...state, quoting: false }, ctx, config),
  onBook: (state, _event, ctx, config) => quote(state, ctx, config),
  onTimer: (state, _event, ctx, config) => quote(state, ctx, config),
  // A fill changes the inventory (and so the skew) and removes a level: rebuild the quotes at the next event.
  onFill: (state) => noIntents({ ...state, quoting: false }),
  onOrderDenied: (state) => noIntents({ ...state, quoting: false }),
  onStop: (state, _event, _ctx, config) => ({ state: { ...state, quoting: false }, intents: [{ type: 'cancel-all', instrumentId: config.instrumentId }] }),
});
