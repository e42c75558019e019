/** Shared fixtures for the engine tests: instruments, books, trades, a paper venue on a simulated clock. */
import { Decimal } from 'decimal.js';
import type { OrderSide } from '@trading/shared-types';
import type { Instrument, InstrumentId } from '../../src/ports/instruments.js';
import type { BookEvent, TradeEvent } from '../../src/ports/market-data.js';
import { InMemoryMarketData } from '../../src/engines/in-memory-market-data.js';
import { StaticInstruments } from '../../src/engines/static-instruments.js';
import { SimulatedClock } from '../../src/core/sim-clock.js';
import { PaperVenue, type PaperVenueConfig } from '../../src/paper/paper-venue.js';
import { PaperExecution } from '../../src/paper/paper-execution.js';
import type { ExecutionEvent } from '../../src/ports/execution.js';

export const d = (value: string | number): Decimal => new Decimal(value);

export const BTC_SWAP: Instrument = {
  id: 'okx:BTC-USDT-SWAP',
  exchange: 'okx',
  symbol: 'BTC-USDT-SWAP',
  kind: 'swap',
  base: 'BTC',
  quote: 'USDT',
  settleCurrency: 'USDT',
  tickSize: d('0.1'),
  lotSize: d('0.01'),
  minSize: d('0.01'),
  contractValue: d('0.01'),
  expiry: null,
  maxLeverage: 100,
  makerFeeRate: d('0.0002'),
  takerFeeRate: d('0.0005'),
};

export const ETH_SWAP: Instrument = {
  ...BTC_SWAP,
  id: 'okx:ETH-USDT-SWAP',
  symbol: 'ETH-USDT-SWAP',
  base: 'ETH',
  tickSize: d('0.01'),
  lotSize: d('0.01'),
  minSize: d('0.01'),
  contractValue: d('0.1'),
};

export const PM_YES: Instrument = {
  id: 'polymarket:111',
  exchange: 'polymarket',
  symbol: '111',
  kind: 'binary',
  base: 'YES',
  quote: 'USDC',
  settleCurrency: 'USDC',
  tickSize: d('0.01'),
  lotSize: d('1'),
  minSize: d('5'),
  contractValue: d('1'),
  expiry: null,
  maxLeverage: null,
  makerFeeRate: d('0'),
  takerFeeRate: d('0.03'),
  polymarket: { marketId: '0xcond', outcome: 'YES', complementTokenId: '222', negRisk: false, endTime: null },
};

export const PM_NO: Instrument = {
  ...PM_YES,
  id: 'polymarket:222',
  symbol: '222',
  base: 'NO',
  polymarket: { marketId: '0xcond', outcome: 'NO', complementTokenId: '111', negRisk: false, endTime: null },
};

export type Levels = readonly (readonly [string | number, string | number])[];

let sequence = 0;
export function book(instrumentId: InstrumentId, bids: Levels, asks: Levels, timestamp: number): BookEvent {
  sequence += 1;
  return {
    type: 'book',
    resynced: false,
    book: {
      instrumentId,
      bids: bids.map(([price, size]) => [d(price), d(size)] as const),
      asks: asks.map(([price, size]) => [d(price), d(size)] as const),
      timestamp,
      sequence,
    },
  };
}

export function trade(
  instrumentId: InstrumentId,
  side: OrderSide,
  price: string | number,
  quantity: string | number,
  timestamp: number,
): TradeEvent {
  sequence += 1;
  return {
    type: 'trade',
    instrumentId,
    tradeId: `t${String(sequence)}`,
    side,
    price: d(price),
    quantity: d(quantity),
    timestamp,
  };
}

export interface PaperRig {
  clock: SimulatedClock;
  feed: InMemoryMarketData;
  instruments: StaticInstruments;
  venue: PaperVenue;
  account(
    id: string,
    balances: Record<string, string>,
    options?: { leverage?: number; marginMode?: 'cross' | 'isolated' },
  ): PaperExecution;
}

export function paperRig(
  config: Partial<PaperVenueConfig> = {},
  list: readonly Instrument[] = [BTC_SWAP, ETH_SWAP, PM_YES, PM_NO],
): PaperRig {
  const clock = new SimulatedClock(1_000);
  const feed = new InMemoryMarketData(clock);
  const instruments = new StaticInstruments(list);
  const venue = new PaperVenue(feed, instruments, clock, { latencyMs: 0, ...config });
  venue.watch(list.map((instrument) => instrument.id));
  return {
    clock,
    feed,
    instruments,
    venue,
    account: (id, balances, options) =>
      new PaperExecution(venue, {
        accountId: id,
        initialBalances: Object.fromEntries(
          Object.entries(balances).map(([currency, amount]) => [currency, d(amount)]),
        ),
        ...(options?.leverage === undefined ? {} : { defaultLeverage: options.leverage }),
        ...(options?.marginMode === undefined ? {} : { defaultMarginMode: options.marginMode }),
      }),
  };
}

/** Records an account's execution events. */
export function record(account: PaperExecution): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  account.onExecution((event) => events.push(event));
  return events;
}

export function fills(
  events: readonly ExecutionEvent[],
): Extract<ExecutionEvent, { type: 'fill' }>['fill'][] {
  return events.flatMap((event) => (event.type === 'fill' ? [event.fill] : []));
}
