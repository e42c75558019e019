/**
 * arbitrage: two cross-venue trades.
 *
 * mode "probability" (Polymarket vs OKX): a Polymarket token that pays 1 when BTC is above `strike` at `expiry` is
 * priced from the OKX underlying (mark, else mid) with a lognormal model, fair = N(d2). When the token's ask is
 * below fair by more than `edgeThreshold` plus the taker fee per share, it buys YES; when the bid is above fair by
 * as much, it sells YES it holds or else buys NO at 1 − bid. The net YES inventory has a delta of
 * φ(d2)/(S·σ·√T) BTC per share; the strategy keeps a short (long) OKX hedge of that size, rebalanced when it is off
 * by more than `hedgeToleranceContracts`.
 *
 * mode "price" (same asset on two instruments, e.g. two venues' BTC perps): when one leg's bid exceeds the other's
 * ask by `entryBps` after both taker fees, it buys the cheap leg and sells the rich one (IOC); it closes both legs
 * when the mid spread fell below `exitBps`.
 */
import { Decimal } from 'decimal.js';
import type { ArbitrageConfig as RawConfig } from '@trading/shared-types';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { Intent } from '../domain/intents.js';
import { defineStrategy, type StrategyContext, type StrategyResult, type StrategySubscription } from './types.js';
import { binaryAboveStrike, complementOf, noIntents, resolveInstrumentId, roundToLot, topOfBook } from './strategy-kit.js';

export interface ProbabilityArbConfig {
  mode: 'probability';
  tokenId: InstrumentId;
  underlying: InstrumentId;
  hedgeInstrument: InstrumentId;
  strike: Decimal;
  expiry: number;
  volatility: number;
  edgeThreshold: Decimal;
  hedge: boolean;
  hedgeTolerance: Decimal | null;
  orderSize: Decimal;
  maxPosition: Decimal;
  cooldownMs: number;
}

export interface PriceArbConfig {
  mode: 'price';
  legA: InstrumentId;
  legB: InstrumentId;
  entryBps: Decimal;
  exitBps: Decimal;
  orderSize: Decimal;
  cooldownMs: number;
}

export type ArbitrageConfig = ProbabilityArbConfig | PriceArbConfig;

export interface ArbitrageState {
  pending: readonly string[];
  lastEntryAt: number | null;
  /** Last model output (probability mode), for logs and tests. */
  lastFair: Decimal | null;
}

const ONE = new Decimal(1);
const BPS = new Decimal(10_000);
const TERMINAL = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'FAILED', 'EXPIRED']);

function ioc(ctx: StrategyContext, instrumentId: InstrumentId, side: 'BUY' | 'SELL', price: Decimal, quantity: Decimal, tag: string): Intent {
  return { type: 'place-order', instrumentId, side, orderType: 'IOC', price, quantity, clientOrderId: ctx.newClientOrderId(), tag };
}

function track(state: ArbitrageState, intents: readonly Intent[], patch: Partial<ArbitrageState>): StrategyResult<ArbitrageState> {
  const ids = intents.flatMap((intent) => (intent.type === 'place-order' && intent.clientOrderId !== undefined ? [intent.clientOrderId] : []));
  return { state: { ...state, ...patch, pending: [...state.pending, ...ids] }, intents };
}

/** Polymarket taker fee per share at price p: rate × p × (1 − p). */
function polymarketFee(instrument: Instrument, price: Decimal): Decimal {
  return instrument.takerFeeRate.mul(price).mul(ONE.sub(price));
}

function probabilityArb(state: ArbitrageState, ctx: StrategyContext, config: ProbabilityArbConfig): StrategyResult<ArbitrageState> {
  if (state.pending.length > 0) return noIntents(state);
  const token = ctx.instrument(config.tokenId);
  const spot = ctx.markPrice(config.underlying) ?? ctx.mid(config.underlying);
  const complement = complementOf(token);
  if (token === undefined || spot === null || complement === null) return noIntents(state);
  const model = binaryAboveStrike(spot, config.strike, config.volatility, ctx.clock.now(), config.expiry);
  if (model === null) return noIntents(state);
  const fair = model.probability;
  const yes = ctx.position(config.tokenId).quantity;
  const no = ctx.position(complement).quantity;
  const now = ctx.clock.now();
  const cooled = state.lastEntryAt === null || now - state.lastEntryAt >= config.cooldownMs;
  const top = topOfBook(ctx, config.tokenId);
  if (top !== null && cooled) {
    const buyEdge = fair.sub(top.ask).sub(polymarketFee(token, top.ask));
    if (buyEdge.gt(config.edgeThreshold) && yes.sub(no).add(config.orderSize).lte(config.maxPosition)) {
      // Buying YES against a NO holding first unwinds NO (sell NO at 1 − ask is the same trade without new capital).
      const intent = no.gte(config.orderSize)
        ? ioc(ctx, complement, 'SELL', ONE.sub(top.ask), config.orderSize, `edge ${buyEdge.toFixed(4)}: sell NO`)
        : ioc(ctx, config.tokenId, 'BUY', top.ask, config.orderSize, `edge ${buyEdge.toFixed(4)}: buy YES (fair ${fair.toFixed()})`);
      return track(state, [intent], { lastEntryAt: now, lastFair: fair });
    }
    const sellEdge = top.bid.sub(fair).sub(polymarketFee(token, top.bid));
    if (sellEdge.gt(config.edgeThreshold) && no.sub(yes).add(config.orderSize).lte(config.maxPosition)) {
      const intent = yes.gte(config.orderSize)
        ? ioc(ctx, config.tokenId, 'SELL', top.bid, config.orderSize, `edge ${sellEdge.toFixed(4)}: sell YES`)
        : ioc(ctx, complement, 'BUY', ONE.sub(top.bid), config.orderSize, `edge ${sellEdge.toFixed(4)}: buy NO (fair ${fair.toFixed()})`);
      return track(state, [intent], { lastEntryAt: now, lastFair: fair });
    }
  }
  if (!config.hedge) return noIntents({ ...state, lastFair: fair });
  const hedge = ctx.instrument(config.hedgeInstrument);
  if (hedge === undefined) return noIntents({ ...state, lastFair: fair });
  // Long YES is long BTC delta: hold −delta × net shares of BTC on OKX, in contracts.
  const target = roundToLot(yes.sub(no).mul(model.delta).div(hedge.contractValue), hedge.lotSize).neg();
  const current = ctx.position(config.hedgeInstrument).quantity;
  const diff = target.sub(current);
  if (diff.abs().lte(config.hedgeTolerance ?? hedge.lotSize.div(2)) || diff.abs().lt(hedge.minSize)) return noIntents({ ...state, lastFair: fair });
  const intent: Intent = {
    type: 'place-order',
    instrumentId: config.hedgeInstrument,
    side: diff.gt(0) ? 'BUY' : 'SELL',
    orderType: 'MARKET',
    quantity: diff.abs(),
    clientOrderId: ctx.newClientOrderId(),
    tag: `delta hedge to ${target.toFixed()} contracts`,
  };
  return track(state, [intent], { lastFair: fair });
}

function priceArb(state: ArbitrageState, ctx: StrategyContext, config: PriceArbConfig): StrategyResult<ArbitrageState> {
  if (state.pending.length > 0) return noIntents(state);
  const a = topOfBook(ctx, config.legA);
  const b = topOfBook(ctx, config.legB);
  const instA = ctx.instrument(config.legA);
  const instB = ctx.instrument(config.legB);
  if (a === null || b === null || instA === undefined || instB === undefined) return noIntents(state);
  const feeBps = instA.takerFeeRate.add(instB.takerFeeRate).mul(BPS);
  const posA = ctx.position(config.legA).quantity;
  const posB = ctx.position(config.legB).quantity;
  const now = ctx.clock.now();
  if (posA.isZero() && posB.isZero()) {
    if (state.lastEntryAt !== null && now - state.lastEntryAt < config.cooldownMs) return noIntents(state);
    const buyA = b.bid.sub(a.ask).div(a.ask).mul(BPS).sub(feeBps);
    if (buyA.gt(config.entryBps)) {
      return track(state, [ioc(ctx, config.legA, 'BUY', a.ask, config.orderSize, `buy A / sell B ${buyA.toFixed(2)} bps`), ioc(ctx, config.legB, 'SELL', b.bid, config.orderSize, 'sell B')], { lastEntryAt: now });
    }
    const buyB = a.bid.sub(b.ask).div(b.ask).mul(BPS).sub(feeBps);
    if (buyB.gt(config.entryBps)) {
      return track(state, [ioc(ctx, config.legB, 'BUY', b.ask, config.orderSize, `buy B / sell A ${buyB.toFixed(2)} bps`), ioc(ctx, config.legA, 'SELL', a.bid, config.orderSize, 'sell A')], { lastEntryAt: now });
    }
    return noIntents(state);
  }
  // In a position: close both legs once the spread that opened it has converged (mid to mid).
  const midA = a.bid.add(a.ask).div(2);
  const midB = b.bid.add(b.ask).div(2);
  const spread = midB.sub(midA).div(midA).mul(BPS).mul(posA.gt(0) || posB.lt(0) ? 1 : -1);
  if (spread.gte(config.exitBps)) return noIntents(state);
  const intents: Intent[] = [];
  const close = (id: InstrumentId, qty: Decimal, top: { bid: Decimal; ask: Decimal }): void => {
    if (qty.isZero()) return;
    intents.push({ type: 'place-order', instrumentId: id, side: qty.gt(0) ? 'SELL' : 'BUY', orderType: 'MARKET', quantity: qty.abs(), clientOrderId: ctx.newClientOrderId(), tag: `close at ${spread.toFixed(2)} bps (${(qty.gt(0) ? top.bid : top.ask).toFixed()})` });
  };
  close(config.legA, posA, a);
  close(config.legB, posB, b);
  return track(state, intents, {});
}

function evaluate(state: ArbitrageState, ctx: StrategyContext, config: ArbitrageConfig): StrategyResult<ArbitrageState> {
  return config.mode === 'probability' ? probabilityArb(state, ctx, config) : priceArb(state, ctx, config);
}

function settle(state: ArbitrageState, clientOrderId: string | null): ArbitrageState {
  return clientOrderId === null ? state : { ...state, pending: state.pending.filter((id) => id !== clientOrderId) };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`arbitrage: ${name} is required in this mode`);
  return value;
}

export const arbitrage = defineStrategy<ArbitrageConfig, ArbitrageState>({
  name: 'arbitrage',
  description: 'Polymarket binary vs an OKX-implied probability (with a delta hedge), or two-leg price arbitrage.',
  exchanges: ['polymarket', 'okx'],
  configSchema: 'ArbitrageConfig',
  parseConfig(raw) {
    const config = raw as unknown as RawConfig;
    const orderSize = new Decimal(config.orderSize);
    const cooldownMs = config.cooldownMs ?? 1000;
    if ((config.mode ?? 'probability') === 'price') {
      return {
        mode: 'price',
        legA: required(config.legA, 'legA') as InstrumentId,
        legB: required(config.legB, 'legB') as InstrumentId,
        entryBps: new Decimal(String(config.entryBps ?? 20)),
        exitBps: new Decimal(String(config.exitBps ?? 2)),
        orderSize,
        cooldownMs,
      };
    }
    const underlying = required(config.underlyingInstrumentId, 'underlyingInstrumentId') as InstrumentId;
    return {
      mode: 'probability',
      tokenId: resolveInstrumentId(config),
      underlying,
      hedgeInstrument: (config.hedgeInstrumentId ?? underlying) as InstrumentId,
      strike: new Decimal(required(config.strike, 'strike')),
      expiry: required(config.expiry, 'expiry'),
      volatility: config.volatility ?? 0.6,
      edgeThreshold: new Decimal(config.edgeThreshold ?? '0.02'),
      hedge: config.hedge ?? true,
      hedgeTolerance: config.hedgeToleranceContracts === undefined ? null : new Decimal(config.hedgeToleranceContracts),
      orderSize,
      maxPosition: config.maxPosition === undefined ? orderSize.mul(10) : new Decimal(config.maxPosition),
      cooldownMs,
    };
  },
  subscriptions(config): StrategySubscription[] {
    if (config.mode === 'price') {
      return [
        { instrumentId: config.legA, channels: ['book'] },
        { instrumentId: config.legB, channels: ['book'] },
      ];
    }
    const list: StrategySubscription[] = [
      { instrumentId: config.tokenId, channels: ['book'] },
      { instrumentId: config.underlying, channels: ['book', 'mark-price'] },
    ];
    if (config.hedgeInstrument !== config.underlying) list.push({ instrumentId: config.hedgeInstrument, channels: ['book'] });
    return list;
  },
  timerIntervalMs: () => null,
  initialState: () => ({ pending: [], lastEntryAt: null, lastFair: null }),
  onBook: (state, _event, ctx, config) => evaluate(state, ctx, config),
  onMarkPrice: (state, _event, ctx, config) => evaluate(state, ctx, config),
  onFill: (state, event) => noIntents(event.order.status === 'FILLED' ? settle(state, event.order.clientOrderId) : state),
  onOrderUpdate: (state, event) => noIntents(TERMINAL.has(event.order.status) ? settle(state, event.order.clientOrderId) : state),
  onOrderDenied: (state, event) => noIntents(settle(state, event.clientOrderId)),
});
