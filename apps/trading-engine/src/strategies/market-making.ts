/**
 * market-making: bid and ask levels around the mid, requoted when the (inventory-skewed) mid moved more than the
 * refresh threshold or after a fill. Inventory skew shifts both quotes against the position so fills tend to
 * flatten it; maxInventory stops quoting the side that would grow it further.
 *
 * Polymarket: the YES/NO pair is one book. Selling YES needs YES shares, so without them the ask side is a BUY of
 * the NO token at 1 − ask: buy YES at `bid` + buy NO at `1 − ask` costs 1 − (ask − bid) ≤ 1 − spread per pair, and
 * the pair pays 1 at resolution. Shares already held are sold instead (SELL YES at ask, SELL NO at 1 − bid), which
 * keeps gross positions small. Net inventory is YES shares − NO shares.
 *
 * Config: schemas/strategies/market-making.json, merged with the bot's exchangeConfig (`{ marketId, tokenId }` or
 * `{ instId }`), see strategy-kit.ts.
 */
import { Decimal } from 'decimal.js';
import type { MarketMakingConfig as RawConfig } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { compareDecimals, compareMagnitudes, lastDigitExponent, scaledInteger } from '../core/decimal.js';
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
const ONE = new Decimal(1);
const ZERO = new Decimal(0);
const BPS = new Decimal(10_000);
const NO_INTENTS: readonly Intent[] = Object.freeze([]);

/** Net inventory in order units: the position, or YES − NO shares on Polymarket. */
export function netInventory(ctx: StrategyContext, id: InstrumentId): Decimal {
  const own = ctx.position(id).quantity;
  const complement = complementOf(ctx.instrument(id));
  return complement === null ? own : own.sub(ctx.position(complement).quantity);
}

/**
 * quote() runs on every book update, and most updates move neither the touch nor the inventory: the last skewed mid
 * and refresh decision per config are reused when their inputs are equal (exact: same values in, same value out).
 */
interface QuoteMemo {
  mid: Decimal;
  inventory: Decimal;
  /** inventorySkew × inventory. */
  skew: Decimal;
  fair: Decimal;
  quotedMid: Decimal | null;
  threshold: Decimal | null;
  near: boolean;
  /**
   * The band of mids that need no requote, as integers of 10^bandExponent: |mid − skew − quotedMid| ≤ threshold
   * ⇔ bandLow ≤ mid ≤ bandHigh. Built for (bandQuotedMid, bandThreshold, bandInventory); bandExponent null = none.
   */
  bandQuotedMid: Decimal | null;
  bandThreshold: Decimal | null;
  bandInventory: Decimal;
  bandExponent: number | null;
  bandLow: number;
  bandHigh: number;
  /** The last mid tested against the band and its answer: most book updates leave the touch, so the mid, as it was. */
  bandMid: Decimal | null;
  bandAnswer: boolean | undefined;
  /** The last "keep the quotes" result, reused while the state is the same object (intents are read-only). */
  idle: StrategyResult<MarketMakingState> | null;
}
const memos = new WeakMap<MarketMakingConfig, QuoteMemo>();

function memoFor(config: MarketMakingConfig): QuoteMemo {
  let memo = memos.get(config);
  if (memo === undefined) {
    memo = {
      mid: ZERO,
      inventory: ZERO,
      skew: ZERO,
      fair: ZERO,
      quotedMid: null,
      threshold: null,
      near: false,
      bandQuotedMid: null,
      bandThreshold: null,
      bandInventory: ZERO,
      bandExponent: null,
      bandLow: 0,
      bandHigh: 0,
      bandMid: null,
      bandAnswer: undefined,
      idle: null,
    };
    memos.set(config, memo);
  }
  return memo;
}

/** mid − inventorySkew × inventory. */
function fairValue(config: MarketMakingConfig, mid: Decimal, inventory: Decimal): Decimal {
  const memo = memoFor(config);
  const sameInventory = compareDecimals(memo.inventory, inventory) === 0;
  if (sameInventory && compareDecimals(memo.mid, mid) === 0) return memo.fair;
  if (!sameInventory) {
    memo.inventory = inventory;
    memo.skew = config.inventorySkew.mul(inventory);
  }
  const fair = inventory.isZero() ? mid : mid.sub(memo.skew);
  memo.mid = mid;
  memo.fair = fair;
  memo.quotedMid = null;
  return fair;
}

/** |fair − quotedMid| ≤ threshold. */
function nearQuotedMid(config: MarketMakingConfig, fair: Decimal, quotedMid: Decimal, threshold: Decimal): boolean {
  const memo = memoFor(config);
  if (memo.fair === fair && memo.quotedMid === quotedMid && memo.threshold === threshold) return memo.near;
  const near = compareMagnitudes(fair.sub(quotedMid), threshold) <= 0;
  if (memo.fair === fair) {
    memo.quotedMid = quotedMid;
    memo.threshold = threshold;
    memo.near = near;
  }
  return near;
}

/** Headroom below the inputs' finest digit, so a mid with one more digit (a half tick) still fits the band. */
const BAND_EXTRA_DIGITS = 2;

/**
 * The requote test on integers: true/false when it is decided there, undefined to take the decimal path. Equal to
 * nearQuotedMid(fairValue(mid)) because on integers below 2^51 (scaledInteger) mid − skew and then − quotedMid stay
 * under 2^53, at most 16 digits, so decimal.js computes both exactly and the band test is the same inequality
 * rearranged. Saves the two subtractions (two decimals) per moved mid; most moved mids stay inside the band.
 */
export function insideBand(config: MarketMakingConfig, mid: Decimal, inventory: Decimal, quotedMid: Decimal, threshold: Decimal): boolean | undefined {
  const memo = memoFor(config);
  if (memo.bandQuotedMid !== quotedMid || memo.bandThreshold !== threshold || compareDecimals(memo.bandInventory, inventory) !== 0) {
    memo.bandQuotedMid = quotedMid;
    memo.bandThreshold = threshold;
    memo.bandInventory = inventory;
    memo.bandExponent = null;
    memo.bandMid = null;
    if (Decimal.precision < 17) return undefined;
    const skew = inventory.isZero() ? ZERO : config.inventorySkew.mul(inventory);
    const exponents = [lastDigitExponent(quotedMid), lastDigitExponent(threshold), lastDigitExponent(skew), lastDigitExponent(mid)];
    let exponent = Infinity;
    for (const value of exponents) {
      if (value === undefined) return undefined;
      exponent = Math.min(exponent, value);
    }
    exponent -= BAND_EXTRA_DIGITS;
    const q = scaledInteger(quotedMid, exponent);
    const t = scaledInteger(threshold, exponent);
    const k = scaledInteger(skew, exponent);
    if (q === undefined || t === undefined || k === undefined || t < 0) return undefined;
    memo.bandExponent = exponent;
    memo.bandLow = q + k - t;
    memo.bandHigh = q + k + t;
  }
  if (memo.bandExponent === null) return undefined;
  if (memo.bandMid === mid) return memo.bandAnswer;
  const m = scaledInteger(mid, memo.bandExponent);
  const answer = m === undefined ? undefined : memo.bandLow <= m && m <= memo.bandHigh;
  memo.bandMid = mid;
  memo.bandAnswer = answer;
  return answer;
}

function quote(state: MarketMakingState, ctx: StrategyContext, config: MarketMakingConfig): StrategyResult<MarketMakingState> {
  const id = config.instrumentId;
  const mid = ctx.mid(id);
  const instrument = ctx.instrument(id);
  if (mid === null || instrument === undefined) return noIntents(state);
  const tick = instrument.tickSize;
  const inventory = netInventory(ctx, id);
  const threshold = config.refreshThreshold ?? tick;
  if (state.quoting && state.quotedMid !== null && insideBand(config, mid, inventory, state.quotedMid, threshold) === true) {
    // Most book updates end here: one result object per state rather than one per update.
    const memo = memoFor(config);
    if (memo.idle?.state !== state) memo.idle = { state, intents: NO_INTENTS };
    return memo.idle;
  }
  const fair = fairValue(config, mid, inventory);
  if (state.quoting && state.quotedMid !== null && nearQuotedMid(config, fair, state.quotedMid, threshold)) return noIntents(state);

  const complement = complementOf(instrument);
  const half = config.spread !== null ? config.spread.div(TWO) : mid.mul(config.spreadBps ?? 0).div(BPS).div(TWO);
  const spacing = config.levelSpacing ?? tick;
  const intents: Intent[] = [];
  // Nothing to cancel on the first quote or after everything filled: skip the request (rate limits count it).
  if (ctx.openOrders(id).length > 0) intents.push({ type: 'cancel-all', instrumentId: id });
  if (complement !== null && ctx.openOrders(complement).length > 0) intents.push({ type: 'cancel-all', instrumentId: complement });
  const max = config.maxInventory;
  // Polymarket: shares we hold can be sold instead of buying the other outcome (keeps gross positions small).
  let yesHeld = complement === null ? ZERO : Decimal.max(ZERO, ctx.position(id).quantity);
  let noHeld = complement === null ? ZERO : Decimal.max(ZERO, ctx.position(complement).quantity);
  const place = (instrumentId: InstrumentId, side: 'BUY' | 'SELL', price: Decimal, quantity: Decimal, tag: string): void => {
    intents.push({ type: 'place-order', instrumentId, side, orderType: 'LIMIT', price, quantity, clientOrderId: ctx.newClientOrderId(), tag });
  };
  for (let level = 0; level < config.levels; level += 1) {
    const offset = half.add(spacing.mul(level));
    const bid = roundToTick(fair.sub(offset), tick, Decimal.ROUND_DOWN);
    const ask = roundToTick(fair.add(offset), tick, Decimal.ROUND_UP);
    const size = config.orderSize;
    const growth = size.mul(level + 1);
    const canBuy = max === null || inventory.add(growth).lte(max);
    const canSell = max === null || inventory.sub(growth).gte(max.neg());
    const L = `L${String(level)}`;
    if (complement === null) {
      if (canBuy && bid.gt(0)) place(id, 'BUY', bid, size, `bid ${L}`);
      if (canSell) place(id, 'SELL', ask, size, `ask ${L}`);
      continue;
    }
    // YES/NO as one book: the bid is "buy YES at bid" or "sell NO at 1 − bid"; the ask is "sell YES at ask" or
    // "buy NO at 1 − ask". Either way one pair costs at most 1 − spread.
    if (canBuy && bid.gt(0) && bid.lt(1)) {
      if (noHeld.gte(size)) {
        place(complement, 'SELL', ONE.sub(bid), size, `bid ${L} as NO sell`);
        noHeld = noHeld.sub(size);
      } else place(id, 'BUY', bid, size, `bid ${L}`);
    }
    if (canSell && ask.gt(0) && ask.lt(1)) {
      if (yesHeld.gte(size)) {
        place(id, 'SELL', ask, size, `ask ${L}`);
        yesHeld = yesHeld.sub(size);
      } else place(complement, 'BUY', ONE.sub(ask), size, `ask ${L} as NO bid`);
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
