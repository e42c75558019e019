/**
 * Market definitions: deterministic condition and token ids from the seed, the default market set (a "BTC above K
 * at T" market priced from the OKX mid, a plain binary market and a neg-risk market), and the fair-value model:
 * P(S_T > K) = Φ((ln(S/K) − σ²τ/2) / (σ√τ)) on a lagged reference price, plus seeded noise.
 */
import { createHash } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { TickSize } from './constants.js';
import type { SimMarket } from './types.js';

export interface MarketSpec {
  question: string;
  slug?: string;
  tickSize?: TickSize;
  minOrderSize?: string;
  negRisk?: boolean;
  feeRate?: string;
  endTime?: number | null;
  strike?: string | null;
}

function sha(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

export function createMarket(seed: number, index: number, spec: MarketSpec): SimMarket {
  const base = `${String(seed)}:${String(index)}:${spec.question}`;
  const slug = spec.slug ?? spec.question.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return {
    conditionId: `0x${sha(`condition:${base}`)}`,
    question: spec.question,
    slug,
    yes: { tokenId: BigInt(`0x${sha(`token:yes:${base}`)}`).toString(), outcome: 'Yes' },
    no: { tokenId: BigInt(`0x${sha(`token:no:${base}`)}`).toString(), outcome: 'No' },
    tickSize: spec.tickSize ?? '0.01',
    minOrderSize: new Decimal(spec.minOrderSize ?? '5'),
    negRisk: spec.negRisk ?? false,
    feeRate: new Decimal(spec.feeRate ?? '0.072'),
    endTime: spec.endTime ?? null,
    strike: spec.strike === undefined || spec.strike === null ? null : new Decimal(spec.strike),
    acceptingOrders: true,
    closed: false,
    winner: null,
    lastTradePrice: new Map(),
  };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26): model maths, not money, so floats are fine here. */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

const YEAR_MS = 365 * 24 * 3600 * 1000;

/** Probability that spot ends above strike at endTime, lognormal with annual volatility sigma. */
export function probabilityAbove(spot: number, strike: number, msToExpiry: number, sigma: number): number {
  if (msToExpiry <= 0) return spot > strike ? 1 : 0;
  const tau = msToExpiry / YEAR_MS;
  const d2 = (Math.log(spot / strike) - (sigma * sigma * tau) / 2) / (sigma * Math.sqrt(tau));
  return normalCdf(d2);
}

/** Seeded PRNG (mulberry32) so a simulator run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
