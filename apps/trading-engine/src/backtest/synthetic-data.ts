/**
 * Deterministic, seeded generators of recorded market data (recorded-data.ts format): the committed data sets under
 * apps/trading-engine/data/ (one per strategy's needs) and the benchmark's book stream. Prices are random walks in
 * floating point, snapped to the tick and written as fixed decimal strings, so the same seed always yields the same
 * bytes. They are synthetic: they show what a strategy does, not what it would have earned.
 */
import { Decimal } from 'decimal.js';
import type { InstrumentId } from '../ports/instruments.js';
import type { BookEvent, TradeEvent } from '../ports/market-data.js';
import type { RecordedInstrument, RecordedLevel, RecordedLine } from './recorded-data.js';
import type { BacktestOptions } from './runner.js';

/** mulberry32: small, fast, seedable. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

export const START = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;
const HOUR = 3_600_000;

export const BTC_SWAP: RecordedInstrument = {
  type: 'instrument', id: 'okx:BTC-USDT-SWAP', exchange: 'okx', symbol: 'BTC-USDT-SWAP', kind: 'swap', base: 'BTC', quote: 'USDT', settleCurrency: 'USDT',
  tickSize: '0.1', lotSize: '0.01', minSize: '0.01', contractValue: '0.01', expiry: null, maxLeverage: 100, makerFeeRate: '0.0002', takerFeeRate: '0.0005',
};
export const BTC_SPOT: RecordedInstrument = {
  type: 'instrument', id: 'okx:BTC-USDT', exchange: 'okx', symbol: 'BTC-USDT', kind: 'spot', base: 'BTC', quote: 'USDT', settleCurrency: 'USDT',
  tickSize: '0.1', lotSize: '0.00000001', minSize: '0.00001', contractValue: '1', expiry: null, maxLeverage: null, makerFeeRate: '0.0008', takerFeeRate: '0.001',
};
const PM_BASE = { type: 'instrument', exchange: 'polymarket', kind: 'binary', quote: 'USDC', settleCurrency: 'USDC', tickSize: '0.01', lotSize: '1', minSize: '5', contractValue: '1', maxLeverage: null, makerFeeRate: '0', takerFeeRate: '0.03' } as const;
export function polymarketPair(yes: string, no: string, marketId: string, endTime: number | null): [RecordedInstrument, RecordedInstrument] {
  return [
    { ...PM_BASE, id: `polymarket:${yes}`, symbol: yes, base: 'YES', expiry: endTime, polymarket: { marketId, outcome: 'YES', complementTokenId: no, negRisk: false, endTime } },
    { ...PM_BASE, id: `polymarket:${no}`, symbol: no, base: 'NO', expiry: endTime, polymarket: { marketId, outcome: 'NO', complementTokenId: yes, negRisk: false, endTime } },
  ];
}
export const PM_YES_TOKEN = '7132104500001';
export const PM_NO_TOKEN = '7132104500002';
export const PM_MARKET = '0xbtc100k';

function decimalsOf(tick: number): number {
  const text = String(tick);
  return text.includes('.') ? (text.split('.')[1] ?? '').length : 0;
}

function snap(price: number, tick: number): string {
  return (Math.round(price / tick) * tick).toFixed(decimalsOf(tick));
}

/** A book around `mid`: `levels` per side, `halfSpreadTicks` from mid to the touch, random sizes. */
function bookLevels(mid: number, tick: number, halfSpreadTicks: number, levels: number, size: () => string, bounds?: [number, number]): { bids: RecordedLevel[]; asks: RecordedLevel[] } {
  const center = Math.round(mid / tick);
  const bids: RecordedLevel[] = [];
  const asks: RecordedLevel[] = [];
  for (let i = 0; i < levels; i += 1) {
    const bid = (center - halfSpreadTicks - i) * tick;
    const ask = (center + halfSpreadTicks + i) * tick;
    if (!bounds || bid >= bounds[0]) bids.push([snap(bid, tick), size()]);
    if (!bounds || ask <= bounds[1]) asks.push([snap(ask, tick), size()]);
  }
  return { bids, asks };
}

function book(ts: number, instrumentId: string, levels: { bids: RecordedLevel[]; asks: RecordedLevel[] }): RecordedLine {
  return { type: 'book', ts, instrumentId, bids: levels.bids, asks: levels.asks };
}

/** Polymarket YES book + trades around a logit random walk; resolves at the end. For market-making. */
export function marketMakingData(seed = 11, steps = 650): RecordedLine[] {
  const rng = new SeededRandom(seed);
  const [yes, no] = polymarketPair(PM_YES_TOKEN, PM_NO_TOKEN, PM_MARKET, null);
  const lines: RecordedLine[] = [yes, no];
  let logit = 0.2;
  let t = START;
  let tradeId = 0;
  const size = (): string => String(rng.int(20, 400));
  for (let step = 0; step < steps; step += 1) {
    t += 10_000;
    logit += rng.normal() * 0.04;
    const p = Math.min(0.95, Math.max(0.05, 1 / (1 + Math.exp(-logit))));
    const half = rng.int(1, 2);
    const levels = bookLevels(p, 0.01, half, 2, size, [0.01, 0.99]);
    lines.push(book(t, yes.id, levels));
    if (rng.next() < 0.6) {
      const buy = rng.next() < 0.5;
      const top = buy ? levels.asks[0] : levels.bids[0];
      if (top) lines.push({ type: 'trade', ts: t + 1, instrumentId: yes.id, tradeId: `pm${String(++tradeId)}`, side: buy ? 'BUY' : 'SELL', price: top[0], quantity: String(rng.int(5, 120)) });
    }
  }
  const final = 1 / (1 + Math.exp(-logit));
  const settle = final > 0.5 ? '1' : '0';
  lines.push({ type: 'market-resolved', ts: t + 60_000, instrumentId: yes.id, settlementPrice: settle });
  lines.push({ type: 'market-resolved', ts: t + 60_000, instrumentId: no.id, settlementPrice: settle === '1' ? '0' : '1' });
  return lines;
}

/** BTC swap oscillating in a range (mean-reverting), books every minute and trades. For grid. */
export function gridData(seed = 22, steps = 700): RecordedLine[] {
  const rng = new SeededRandom(seed);
  const lines: RecordedLine[] = [BTC_SWAP];
  let x = 0;
  let t = START;
  let tradeId = 0;
  const size = (): string => (rng.int(1, 300) / 100).toFixed(2);
  for (let step = 0; step < steps; step += 1) {
    t += 2 * MINUTE;
    x += -0.03 * x + rng.normal() * 0.002;
    const mid = 95_000 * Math.exp(x + 0.012 * Math.sin(step / 40));
    const levels = bookLevels(mid, 0.1, 1, 2, size);
    lines.push(book(t, BTC_SWAP.id, levels));
    if (rng.next() < 0.5) {
      const buy = rng.next() < 0.5;
      const top = buy ? levels.asks[0] : levels.bids[0];
      if (top) lines.push({ type: 'trade', ts: t + 1, instrumentId: BTC_SWAP.id, tradeId: `g${String(++tradeId)}`, side: buy ? 'BUY' : 'SELL', price: top[0], quantity: (rng.int(1, 200) / 100).toFixed(2) });
    }
  }
  return lines;
}

/** BTC swap with drift regimes and TradingSignals that call the next regime right 70% of the time. */
export function signalData(seed = 33, steps = 960): RecordedLine[] {
  const rng = new SeededRandom(seed);
  const lines: RecordedLine[] = [BTC_SWAP];
  let logPrice = Math.log(95_000);
  let drift = 0;
  let t = START;
  let signalId = 0;
  const size = (): string => (rng.int(1, 300) / 100).toFixed(2);
  for (let step = 0; step < steps; step += 1) {
    t += MINUTE;
    if (step % 60 === 0) {
      drift = (rng.next() < 0.5 ? -1 : 1) * (0.0002 + rng.next() * 0.0003);
      const right = rng.next() < 0.7;
      const direction = (drift > 0) === right ? 'long' : 'short';
      const confidence = Number((0.45 + rng.next() * 0.5).toFixed(2));
      lines.push({ type: 'signal', ts: t, signalId: `sig-${String(++signalId)}`, source: 'momentum-model', instrumentId: BTC_SWAP.id, direction, confidence, timestamp: t, ttlMs: 300_000 });
    }
    logPrice += drift + rng.normal() * 0.0008;
    lines.push(book(t + 1, BTC_SWAP.id, bookLevels(Math.exp(logPrice), 0.1, 1, 2, size)));
  }
  return lines;
}

export const ARB_EXPIRY = START + 3 * 86_400_000;
export const ARB_STRIKE = '96000';

/**
 * BTC swap (GBM, 60% vol) and a Polymarket "BTC above 96000 at expiry" token whose book is the model fair value
 * plus a mean-reverting mispricing. For the probability arbitrage.
 */
export function arbitrageData(seed = 44, steps = 520): RecordedLine[] {
  const rng = new SeededRandom(seed);
  const [yes, no] = polymarketPair(PM_YES_TOKEN, PM_NO_TOKEN, PM_MARKET, ARB_EXPIRY);
  const lines: RecordedLine[] = [BTC_SWAP, yes, no];
  const dt = 5 * MINUTE;
  const sigma = 0.6;
  const perStep = sigma * Math.sqrt(dt / (365 * 86_400_000));
  let logPrice = Math.log(95_500);
  let mispricing = 0;
  let t = START;
  const btcSize = (): string => (rng.int(50, 500) / 100).toFixed(2);
  const pmSize = (): string => String(rng.int(50, 500));
  for (let step = 0; step < steps; step += 1) {
    t += dt;
    logPrice += rng.normal() * perStep;
    const spot = Math.exp(logPrice);
    lines.push(book(t, BTC_SWAP.id, bookLevels(spot, 0.1, 1, 2, btcSize)));
    const years = (ARB_EXPIRY - t) / (365 * 86_400_000);
    const d2 = (Math.log(spot / Number(ARB_STRIKE)) - 0.5 * sigma * sigma * years) / (sigma * Math.sqrt(years));
    const fair = 0.5 * (1 + erf(d2 / Math.SQRT2));
    mispricing = 0.9 * mispricing + rng.normal() * 0.012;
    const quoted = Math.min(0.97, Math.max(0.03, fair + mispricing));
    lines.push(book(t + 1, yes.id, bookLevels(quoted, 0.01, 1, 2, pmSize, [0.01, 0.99])));
  }
  return lines;
}

function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-z * z));
}

/** BTC spot + swap every 10 minutes with hourly funding-rate updates in regimes (high, low, high, negative). */
export function fundingData(seed = 55, steps = 460): RecordedLine[] {
  const rng = new SeededRandom(seed);
  const lines: RecordedLine[] = [BTC_SPOT, BTC_SWAP];
  let logPrice = Math.log(95_000);
  let basis = 0.0008;
  let t = START;
  const spotSize = (): string => (rng.int(10, 200) / 100).toFixed(2);
  const perpSize = (): string => String(rng.int(10, 300));
  const regimes = [0.0006, 0.00004, 0.0005, -0.0002];
  for (let step = 0; step < steps; step += 1) {
    t += 20 * MINUTE;
    const regime = regimes[Math.min(regimes.length - 1, Math.floor((step / steps) * regimes.length))] ?? 0;
    logPrice += rng.normal() * 0.0012;
    basis += 0.05 * (regime * 2 - basis) + rng.normal() * 0.0002;
    const spot = Math.exp(logPrice);
    lines.push(book(t, BTC_SPOT.id, bookLevels(spot, 0.1, 1, 2, spotSize)));
    lines.push(book(t, BTC_SWAP.id, bookLevels(spot * (1 + basis), 0.1, 1, 2, perpSize)));
    if ((t - START) % HOUR === 0) {
      const rate = regime + rng.normal() * 0.00005;
      const next = Math.ceil((t + 1) / (8 * HOUR)) * 8 * HOUR;
      lines.push({ type: 'funding', ts: t + 2, instrumentId: BTC_SWAP.id, fundingRate: rate.toFixed(6), nextFundingTime: next });
    }
  }
  return lines;
}

/** BTC spot hourly over 100 days: a 30% slide, then a recovery. For DCA. */
export function dcaData(seed = 66, steps = 1000): RecordedLine[] {
  const rng = new SeededRandom(seed);
  const lines: RecordedLine[] = [BTC_SPOT];
  let noise = 0;
  let t = START;
  const size = (): string => (rng.int(10, 300) / 100).toFixed(2);
  for (let step = 0; step < steps; step += 1) {
    t += 2 * HOUR;
    noise += -0.02 * noise + rng.normal() * 0.008;
    const trend = step < steps * 0.45 ? -0.3 * (step / (steps * 0.45)) : -0.3 + 0.42 * ((step - steps * 0.45) / (steps * 0.55));
    lines.push(book(t, BTC_SPOT.id, bookLevels(95_000 * Math.exp(trend + noise), 0.1, 1, 2, size)));
  }
  return lines;
}

/** The committed data sets: file name → lines. */
export const DATA_SETS: Record<string, () => RecordedLine[]> = {
  'market-making-polymarket.jsonl': () => marketMakingData(),
  'grid-btc-swap.jsonl': () => gridData(),
  'signal-btc-swap.jsonl': () => signalData(),
  'arbitrage-btc-polymarket.jsonl': () => arbitrageData(),
  'funding-btc-spot-swap.jsonl': () => fundingData(),
  'dca-btc-spot.jsonl': () => dcaData(),
};

/**
 * The market-making run over benchmarkBookStream that the backtest benchmarks time (bench/backtest-harness.ts):
 * quotes ±0.5 USDT around the mid, 2 levels, requote on a 0.5 USDT move or a fill, 20 ms latency.
 */
export const BENCHMARK_MARKET_MAKING = {
  config: { instId: 'BTC-USDT-SWAP', spread: 1, orderSize: 1, levels: 2, refreshThreshold: 0.5, inventorySkew: 0.05, maxInventory: 20 },
  riskLimits: { maxDailyLoss: '1000000', maxDrawdown: 100, maxPositionSize: '1000' },
  initialBalances: { USDT: '1000000' },
  leverage: 10,
  latencyMs: 20,
} as const satisfies Pick<BacktestOptions, 'config' | 'riskLimits' | 'initialBalances' | 'leverage' | 'latencyMs'>;

/**
 * The benchmark stream, built directly as engine events: `count` events on BTC-USDT-SWAP, 5 levels a side, one event
 * every 10 ms: mostly book updates (sizes change on every update, the touch moves one tick on one update in five,
 * as on a liquid perp), a trade every 10th event. Deterministic per seed.
 */
export function benchmarkBookStream(count: number, seed = 7): (BookEvent | TradeEvent)[] {
  return [...benchmarkBookEvents(count, seed)];
}

/** benchmarkBookStream's events one at a time, for streams too long to hold (a million events is ~3 GB of objects). */
export function* benchmarkBookEvents(count: number, seed = 7): Generator<BookEvent | TradeEvent> {
  const rng = new SeededRandom(seed);
  const id = BTC_SWAP.id as InstrumentId;
  let ticks = 950_000;
  let t = START;
  const sizes = Array.from({ length: 64 }, (_, i) => new Decimal((i + 1) / 4));
  for (let i = 0; i < count; i += 1) {
    t += 10;
    if (i % 10 === 9) {
      const buy = rng.next() < 0.5;
      yield { type: 'trade', instrumentId: id, tradeId: `b${String(i)}`, side: buy ? 'BUY' : 'SELL', price: new Decimal(buy ? ticks + 1 : ticks - 1).div(10), quantity: sizes[rng.int(0, 63)] ?? new Decimal(1), timestamp: t };
      continue;
    }
    if (rng.next() < 0.2) ticks += rng.next() < 0.5 ? -1 : 1;
    const bids = Array.from({ length: 5 }, (_, level) => [new Decimal(ticks - 1 - level).div(10), sizes[rng.int(0, 63)] ?? new Decimal(1)] as const);
    const asks = Array.from({ length: 5 }, (_, level) => [new Decimal(ticks + 1 + level).div(10), sizes[rng.int(0, 63)] ?? new Decimal(1)] as const);
    yield { type: 'book', resynced: false, book: { instrumentId: id, bids, asks, timestamp: t, sequence: i } };
  }
}
