/**
 * Shared pieces of the engine benchmarks: synthetic instruments, a random-walk book generator, percentiles with
 * run-to-run spread, and an engine of N paper bots built through the kernel. Not a benchmark itself.
 */
import { Decimal } from 'decimal.js';
import type { BotSpec } from '@trading/shared-types';
import type { Instrument, InstrumentId } from '../src/ports/instruments.js';
import type { BookEvent, BookLevel, TradeEvent } from '../src/ports/market-data.js';

export function swap(index: number): Instrument {
  return {
    id: `okx:BENCH${String(index)}-USDT-SWAP` as InstrumentId,
    exchange: 'okx',
    symbol: `BENCH${String(index)}-USDT-SWAP`,
    kind: 'swap',
    base: `BENCH${String(index)}`,
    quote: 'USDT',
    settleCurrency: 'USDT',
    tickSize: new Decimal('0.1'),
    lotSize: new Decimal('0.01'),
    minSize: new Decimal('0.01'),
    contractValue: new Decimal('0.01'),
    expiry: null,
    maxLeverage: 100,
    makerFeeRate: new Decimal('0.0002'),
    takerFeeRate: new Decimal('0.0005'),
  };
}

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TICK = new Decimal('0.1');

/** A 5-level book around `midTicks` (integer ticks), one tick spread. */
export function bookAround(
  instrumentId: InstrumentId,
  midTicks: number,
  timestamp: number,
  sequence: number,
): BookEvent {
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let level = 0; level < 5; level += 1) {
    bids.push([TICK.mul(midTicks - 1 - level), new Decimal(5 + level)]);
    asks.push([TICK.mul(midTicks + 1 + level), new Decimal(5 + level)]);
  }
  return { type: 'book', resynced: false, book: { instrumentId, bids, asks, timestamp, sequence } };
}

export function tradeAt(
  instrumentId: InstrumentId,
  priceTicks: number,
  side: 'BUY' | 'SELL',
  timestamp: number,
  id: number,
): TradeEvent {
  return {
    type: 'trade',
    instrumentId,
    tradeId: String(id),
    price: TICK.mul(priceTicks),
    quantity: new Decimal(3),
    side,
    timestamp,
  };
}

export function botSpec(botId: string, instrumentId: InstrumentId, requoteBps: number): BotSpec {
  return {
    botId,
    name: botId,
    exchange: 'okx',
    strategy: 'simple-quoter',
    mode: 'paper',
    config: { instrumentId, spreadBps: 20, requoteBps, quantity: '1', timerIntervalMs: 1000 },
    exchangeConfig: { paperBalances: { USDT: '1000000' }, leverage: 10 },
    riskLimits: {
      maxDailyLoss: '1000000',
      maxDrawdown: 99,
      maxPositionSize: '1000000',
      maxOrderSize: '100',
      maxOrdersPerMinute: 10000,
      priceBandPct: 50,
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** "median [min–max]" over runs. */
export function spread(values: readonly number[], digits = 1): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  return `${median.toFixed(digits)} [${(sorted[0] ?? 0).toFixed(digits)}–${(sorted.at(-1) ?? 0).toFixed(digits)}]`;
}
