/**
 * Small pure helpers shared by the built-in strategies: which instrument a config names (the strategy config
 * merged with the bot's exchangeConfig), tick rounding, Polymarket complements and the normal distribution used by
 * the probability model. No state, no I/O.
 *
 * exchangeConfig convention: the instrument-naming keys of the bot's exchangeConfig (`instrumentId`, OKX `instId`,
 * Polymarket `marketId` / `tokenId`) are merged under the strategy config before validation (config wins), so the seed's
 * `config: { spread, orderSize }` + `exchangeConfig: { marketId, tokenId }` names its market. Other exchangeConfig keys
 * (paper balances, leverage: kernel.ts) are the engine's and are not passed to the strategy.
 */
import { Decimal } from 'decimal.js';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { StrategyContext, StrategyResult } from './types.js';

export interface VenueFields {
  instrumentId?: string;
  instId?: string;
  tokenId?: string;
}

/** The instrument a config names: `instrumentId`, else OKX `instId`, else Polymarket `tokenId`. */
export function resolveInstrumentId(raw: VenueFields): InstrumentId {
  if (raw.instrumentId !== undefined) return raw.instrumentId as InstrumentId;
  if (raw.instId !== undefined) return `okx:${raw.instId}`;
  if (raw.tokenId !== undefined) return `polymarket:${raw.tokenId}`;
  throw new Error('the config names no instrument: give instrumentId, or instId (OKX) / tokenId (Polymarket) in exchangeConfig');
}

/** The exchangeConfig keys that name a strategy's market. */
export const VENUE_KEYS = ['instrumentId', 'instId', 'marketId', 'tokenId'] as const;

/** The strategy config with the bot's market keys from exchangeConfig merged under it (the config wins on a clash). */
export function mergeBotConfig(config: Record<string, unknown>, exchangeConfig: Record<string, unknown> | undefined): Record<string, unknown> {
  const venue: Record<string, unknown> = {};
  for (const key of VENUE_KEYS) if (exchangeConfig?.[key] !== undefined) venue[key] = exchangeConfig[key];
  return { ...venue, ...config };
}

export function roundToTick(price: Decimal, tick: Decimal, mode: Decimal.Rounding): Decimal {
  return price.div(tick).toDecimalPlaces(0, mode).mul(tick);
}

export function roundToLot(quantity: Decimal, lot: Decimal): Decimal {
  return quantity.div(lot).toDecimalPlaces(0, Decimal.ROUND_DOWN).mul(lot);
}

/** The other outcome's instrument id of a Polymarket token, or null. */
export function complementOf(instrument: Instrument | undefined): InstrumentId | null {
  const info = instrument?.polymarket;
  return info ? `polymarket:${info.complementTokenId}` : null;
}

export function noIntents<S>(state: S): StrategyResult<S> {
  return { state, intents: [] };
}

/** Best bid and ask, or null when either side is empty. */
export function topOfBook(ctx: StrategyContext, id: InstrumentId): { bid: Decimal; ask: Decimal } | null {
  const bid = ctx.bestBid(id);
  const ask = ctx.bestAsk(id);
  return bid === null || ask === null ? null : { bid, ask };
}

/**
 * Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf, |error| < 1.5e-7). A model probability, not money: it is
 * computed in floating point and rounded to 6 decimals before it meets prices. V8's Math functions are
 * deterministic on one platform, so a backtest replays to the same bytes.
 */
export function normalCdf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return 0.5 * (1 + sign * erf);
}

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

const YEAR_MS = 365 * 86_400_000;

export interface BinaryPrice {
  /** P(S_T > K) under the lognormal model (zero drift), rounded to 6 decimals. */
  probability: Decimal;
  /** d probability / d S: the token's delta per share, in base units (BTC) per share, rounded to 12 decimals. */
  delta: Decimal;
}

/** Fair value of a cash-or-nothing "underlying above strike at expiry" token: N(d2). */
export function binaryAboveStrike(spot: Decimal, strike: Decimal, volatility: number, now: number, expiry: number): BinaryPrice | null {
  const years = (expiry - now) / YEAR_MS;
  if (years <= 0 || volatility <= 0) return null;
  const s = spot.toNumber();
  const k = strike.toNumber();
  const sigmaRootT = volatility * Math.sqrt(years);
  const d2 = (Math.log(s / k) - 0.5 * volatility * volatility * years) / sigmaRootT;
  const probability = new Decimal(normalCdf(d2).toFixed(6));
  const delta = new Decimal((normalPdf(d2) / (s * sigmaRootT)).toFixed(12));
  return { probability, delta };
}
