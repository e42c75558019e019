/**
 * A scripted world for strategy tests: instruments, books, positions, open orders and a simulated clock that the
 * test sets by hand, and the StrategyContext that reads them. Feed events with `world.run(...)` and assert on the
 * intents returned; no engine, no mocks of I/O (strategies do none).
 */
import { Decimal } from 'decimal.js';
import type { Instrument, InstrumentId } from '../../ports/instruments.js';
import type { BookEvent, OrderBookView } from '../../ports/market-data.js';
import type { OrderState } from '../../ports/execution.js';
import { flatPosition, type PositionView } from '../../domain/position.js';
import { SimulatedClock } from '../../core/sim-clock.js';
import { ClientOrderIdGenerator } from '../../core/ids.js';
import { dispatchStrategyEvent, type Intent, type StrategyContext, type StrategyDefinition, type StrategyEvent } from '../types.js';
import { dispatchSignal, type SignalEvent } from '../signal-event.js';
import { BTC_SPOT, BTC_SWAP, PM_NO_TOKEN, PM_YES_TOKEN, polymarketPair } from '../../backtest/synthetic-data.js';
import { toInstrument } from '../../backtest/recorded-data.js';

export const d = (value: string | number): Decimal => new Decimal(value);
export const SWAP = toInstrument(BTC_SWAP);
export const SPOT = toInstrument(BTC_SPOT);
const [yes, no] = polymarketPair(PM_YES_TOKEN, PM_NO_TOKEN, '0xbtc100k', null);
export const YES = toInstrument(yes);
export const NO = toInstrument(no);

export type Levels = readonly (readonly [string | number, string | number])[];

export class ScriptedWorld {
  readonly clock = new SimulatedClock(1_767_571_200_000);
  readonly books = new Map<InstrumentId, OrderBookView>();
  readonly positions = new Map<InstrumentId, PositionView>();
  readonly marks = new Map<InstrumentId, Decimal>();
  orders: OrderState[] = [];
  private readonly ids = new ClientOrderIdGenerator('test');
  private sequence = 0;
  readonly ctx: StrategyContext;

  constructor(readonly instruments: readonly Instrument[] = [SWAP, SPOT, YES, NO]) {
    const byId = new Map(instruments.map((instrument) => [instrument.id, instrument]));
    const bestBid = (id: InstrumentId): Decimal | null => this.books.get(id)?.bids[0]?.[0] ?? null;
    const bestAsk = (id: InstrumentId): Decimal | null => this.books.get(id)?.asks[0]?.[0] ?? null;
    const mid = (id: InstrumentId): Decimal | null => {
      const bid = bestBid(id);
      const ask = bestAsk(id);
      return bid === null || ask === null ? null : bid.add(ask).div(2);
    };
    const noop = (): void => undefined;
    this.ctx = {
      botId: 'test',
      exchange: 'okx',
      clock: this.clock,
      log: { debug: noop, info: noop, warn: noop, error: noop },
      instrument: (id) => byId.get(id),
      book: (id) => this.books.get(id),
      bestBid,
      bestAsk,
      mid,
      markPrice: (id) => this.marks.get(id) ?? mid(id),
      fundingRate: () => null,
      position: (id) => this.positions.get(id) ?? flatPosition(id),
      positions: () => [...this.positions.values()],
      balances: () => [],
      balance: () => undefined,
      openOrders: (id) => this.orders.filter((order) => id === undefined || order.instrumentId === id),
      suggestedOrderSize: () => d(1),
      newClientOrderId: () => this.ids.next(),
    };
  }

  /** Sets a book and returns its event (the clock moves to `time` if given). */
  book(id: InstrumentId, bids: Levels, asks: Levels, time?: number): BookEvent {
    if (time !== undefined) this.clock.set(time);
    this.sequence += 1;
    const view: OrderBookView = {
      instrumentId: id,
      bids: bids.map(([price, size]) => [d(price), d(size)] as const),
      asks: asks.map(([price, size]) => [d(price), d(size)] as const),
      timestamp: this.clock.now(),
      sequence: this.sequence,
    };
    this.books.set(id, view);
    return { type: 'book', book: view, resynced: false };
  }

  position(id: InstrumentId, quantity: string | number, averageEntryPrice: string | number): void {
    this.positions.set(id, { ...flatPosition(id), quantity: d(quantity), averageEntryPrice: d(averageEntryPrice) });
  }

  order(clientOrderId: string, instrumentId: InstrumentId, status: OrderState['status'] = 'FILLED'): OrderState {
    return {
      clientOrderId,
      exchangeOrderId: null,
      instrumentId,
      side: 'BUY',
      type: 'LIMIT',
      price: null,
      quantity: d(1),
      filledQuantity: d(1),
      averageFillPrice: null,
      status,
      fee: d(0),
      feeCurrency: 'USDT',
      createdAt: this.clock.now(),
      updatedAt: this.clock.now(),
    };
  }
}

/** Drives one strategy through scripted events, keeping its state. */
export class StrategyHarness<C, S> {
  state: S;

  constructor(
    readonly strategy: StrategyDefinition<C, S>,
    readonly config: C,
    readonly world: ScriptedWorld,
  ) {
    this.state = strategy.initialState(config, world.ctx);
  }

  send(event: StrategyEvent | SignalEvent): readonly Intent[] {
    const result = event.type === 'signal' ? dispatchSignal(this.strategy, this.state, event, this.world.ctx, this.config) : dispatchStrategyEvent(this.strategy, this.state, event, this.world.ctx, this.config);
    this.state = result.state;
    return result.intents;
  }

  /** Marks an order FILLED (the strategy sees the fill). */
  filled(clientOrderId: string, instrumentId: InstrumentId): readonly Intent[] {
    const order = this.world.order(clientOrderId, instrumentId);
    return this.send({
      type: 'fill',
      order,
      fill: { fillId: `f-${clientOrderId}`, clientOrderId, exchangeOrderId: null, instrumentId, side: order.side, price: d(1), quantity: d(1), fee: d(0), feeCurrency: 'USDT', role: 'maker', timestamp: this.world.clock.now() },
    });
  }
}

export type PlaceOrder = Extract<Intent, { type: 'place-order' }>;

export function placed(intents: readonly Intent[]): PlaceOrder[] {
  return intents.filter((intent): intent is PlaceOrder => intent.type === 'place-order');
}

/** [instrument, side, orderType, price, quantity] of each place-order, for compact assertions. */
export function summary(intents: readonly Intent[]): string[][] {
  return placed(intents).map((intent) => [intent.instrumentId, intent.side, intent.orderType, intent.price?.toFixed() ?? 'MKT', intent.quantity.toFixed()]);
}
