/**
 * The backtest runner: replays recorded market events through one bot with the engine's own parts on a simulated
 * clock: the strategy's pure handlers, the pre-trade and continuous risk rules (risk/), the paper venue and
 * matching engine (paper/), and the bot ledger (portfolio/). Nothing reads the wall clock, so the same input gives
 * the same result, byte for byte.
 *
 * Per event: the venue matches the event (it subscribed before the bot: no look-ahead), then the strategy sees it;
 * its intents pass risk and go to the paper account; venue answers (fills, order updates, denials) are queued and
 * handed to the strategy after the current handler, never nested; then due timers fire at the event's time, as in
 * the engine (engines/trading-engine.ts). Signals (the `signal` event) go to strategies with an onSignal handler.
 */
import { Decimal } from 'decimal.js';
import { assertValid, type Exchange, type RiskLimits } from '@trading/shared-types';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { MarketEvent } from '../ports/market-data.js';
import { OrderRejectedError, filledOrderFromFill, type BalanceState, type FillReport, type OrderState, type OrderRequest } from '../ports/execution.js';
import type { Intent, PlaceOrderIntent } from '../domain/intents.js';
import { SimulatedClock } from '../core/sim-clock.js';
import { ClientOrderIdGenerator } from '../core/ids.js';
import { ZERO } from '../core/decimal.js';
import { InMemoryMarketData } from '../engines/in-memory-market-data.js';
import { StaticInstruments } from '../engines/static-instruments.js';
import { PaperVenue } from '../paper/paper-venue.js';
import { PaperExecution } from '../paper/paper-execution.js';
import { BotLedger, type LedgerFigures } from '../portfolio/bot-ledger.js';
import { parseRiskLimits, type ParsedRiskLimits } from '../risk/limits.js';
import { firstPreTradeViolation } from '../risk/pre-trade.js';
import { firstContinuousViolation } from '../risk/continuous.js';
import { OrderRateWindow } from '../risk/order-rate-window.js';
import { dispatchStrategyEvent, type AnyStrategy, type StrategyDefinition, type StrategyEvent, type StrategyLogger } from '../strategies/types.js';
import { dispatchSignal, type SignalEvent } from '../strategies/signal-event.js';
import { mergeBotConfig } from '../strategies/strategy-kit.js';
import { createBacktestContext, openSameSide } from './backtest-context.js';
import { eventTime, type ReplayEvent } from './recorded-data.js';
import type { ReplayStream } from './recorded-file.js';

export interface BacktestOptions {
  strategy: AnyStrategy;
  /** Strategy config as the API takes it (numbers allowed for decimals); validated against the strategy schema. */
  config: Record<string, unknown>;
  /** The bot's exchangeConfig; merged under config (strategy-kit.ts). */
  exchangeConfig?: Record<string, unknown>;
  riskLimits: RiskLimits;
  /** Starting cash per currency, decimal strings. */
  initialBalances: Record<string, string>;
  /** Leverage of derivative positions (paper account default); default 1. */
  leverage?: number;
  /** Simulated order latency, ms; default 50. */
  latencyMs?: number;
  botId?: string;
  instruments: readonly Instrument[];
  /** The events in memory, or streamed (recorded-file.ts: a file read line by line). */
  events: readonly ReplayEvent[] | ReplayStream;
  /** Equity curve points; default 400. */
  samples?: number;
  /**
   * Replays only [from, to] (ms, inclusive) of the data. Events before `from` still reach the paper venue (its books,
   * marks, funding schedule, the last trade price and funding rate the strategy context reads) but not the
   * strategy, which starts at `from` with nothing open; events after `to` are not read.
   */
  window?: { from?: number | undefined; to?: number | undefined };
  /** Events done of all, or for a stream what its progress() says (bytes of the file). */
  onProgress?: (done: number, total: number) => void;
}

export interface BacktestFill {
  timestamp: number;
  instrumentId: InstrumentId;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  price: Decimal;
  quantity: Decimal;
  fee: Decimal;
  role: 'maker' | 'taker';
  /** PnL this fill realized (before fees). */
  realized: Decimal;
  tag: string | null;
}

export interface EquityPoint {
  timestamp: number;
  equity: Decimal;
}

export interface BacktestResult {
  strategy: string;
  config: Record<string, unknown>;
  instruments: readonly Instrument[];
  startTime: number;
  endTime: number;
  events: number;
  eventsByType: Record<string, number>;
  startingEquity: Decimal;
  currency: string;
  figures: LedgerFigures;
  equity: EquityPoint[];
  fills: BacktestFill[];
  orders: { placed: number; cancelRequests: number; venueRejected: number; riskDenied: Record<string, number> };
  positions: { instrumentId: InstrumentId; quantity: Decimal; averageEntryPrice: Decimal; markPrice: Decimal | null; unrealizedPnl: Decimal }[];
  stoppedBy: { rule: string; message: string; timestamp: number } | null;
  logs: string[];
}

type QueuedEvent = StrategyEvent | SignalEvent;

const MAX_LOGS = 200;

function instrumentOf(event: MarketEvent): InstrumentId {
  return event.type === 'book' ? event.book.instrumentId : event.instrumentId;
}

/** Validates the strategy config exactly as the engine does (schema, decimals normalised, then parseConfig). */
export function parseStrategyConfig<C, S>(strategy: StrategyDefinition<C, S>, config: Record<string, unknown>, exchangeConfig?: Record<string, unknown>): { raw: Record<string, unknown>; parsed: C } {
  const merged = mergeBotConfig(config, exchangeConfig);
  const raw = assertValid(strategy.configSchema, merged) as Record<string, unknown>;
  return { raw, parsed: strategy.parseConfig(raw) };
}

class BacktestRun {
  readonly clock: SimulatedClock;
  readonly feed: InMemoryMarketData;
  readonly venue: PaperVenue;
  readonly account: PaperExecution;
  readonly ledger: BotLedger;
  readonly limits: ParsedRiskLimits;
  readonly rate = new OrderRateWindow();
  readonly ids: ClientOrderIdGenerator;
  readonly instruments: Map<InstrumentId, Instrument>;
  readonly openOrders = new Map<string, OrderState>();
  readonly tags = new Map<string, string>();
  readonly balances = new Map<string, BalanceState>();
  readonly fundingRates = new Map<InstrumentId, Decimal>();
  readonly lastTrades = new Map<InstrumentId, Decimal>();
  readonly leverage = new Map<InstrumentId, number>();
  readonly queue: QueuedEvent[] = [];
  readonly fills: BacktestFill[] = [];
  readonly logs: string[] = [];
  readonly orders = { placed: 0, cancelRequests: 0, venueRejected: 0, riskDenied: {} as Record<string, number> };
  pendingFill: FillReport | null = null;
  fillsSinceCheck = false;
  stoppedBy: BacktestResult['stoppedBy'] = null;
  state: unknown;
  readonly config: unknown;
  readonly ctx;
  readonly currency: string;
  readonly startingEquity: Decimal;

  constructor(
    readonly options: BacktestOptions,
    config: unknown,
    startTime: number,
  ) {
    this.config = config;
    this.clock = new SimulatedClock(startTime);
    this.feed = new InMemoryMarketData(this.clock);
    this.instruments = new Map(options.instruments.map((instrument) => [instrument.id, instrument]));
    const registry = new StaticInstruments(options.instruments);
    this.venue = new PaperVenue(this.feed, registry, this.clock, { latencyMs: options.latencyMs ?? 50 });
    // The venue watches every instrument before the bot subscribes: it matches an event before the strategy sees it.
    this.venue.watch(options.instruments.map((instrument) => instrument.id));
    const balances = Object.entries(options.initialBalances).sort(([a], [b]) => a.localeCompare(b));
    this.account = new PaperExecution(this.venue, {
      accountId: 'backtest',
      initialBalances: Object.fromEntries(balances.map(([currency, amount]) => [currency, new Decimal(amount)])),
      defaultLeverage: options.leverage ?? 1,
    });
    for (const [currency, amount] of balances) this.balances.set(currency, { currency, total: new Decimal(amount), available: new Decimal(amount), frozen: ZERO });
    // Equity in the first currency's unit; other currencies count at par (USDC ≈ USDT), documented in docs/strategies.md.
    this.currency = balances[0]?.[0] ?? 'USDT';
    this.startingEquity = balances.reduce((sum, [, amount]) => sum.add(amount), ZERO);
    this.ledger = new BotLedger(this.currency, this.startingEquity, startTime);
    this.limits = parseRiskLimits(options.riskLimits);
    const botId = options.botId ?? `bt-${options.strategy.name}`;
    this.ids = new ClientOrderIdGenerator(botId, 0);
    const log: StrategyLogger = {
      debug: () => undefined,
      info: (message) => {
        this.log('info', message);
      },
      warn: (message) => {
        this.log('warn', message);
      },
      error: (message) => {
        this.log('error', message);
      },
    };
    const firstExchange: Exchange = options.instruments[0]?.exchange ?? options.strategy.exchanges[0] ?? 'okx';
    this.ctx = createBacktestContext({
      botId,
      exchange: firstExchange,
      clock: this.clock,
      log,
      instruments: this.instruments,
      feed: this.feed,
      venue: this.venue,
      ledger: this.ledger,
      limits: this.limits,
      ids: this.ids,
      openOrders: this.openOrders,
      balances: this.balances,
      fundingRates: this.fundingRates,
      lastTrades: this.lastTrades,
    });
    this.account.onExecution((event) => {
      switch (event.type) {
        case 'fill':
          this.flushFill(null);
          this.onFill(event.fill);
          return;
        case 'order':
          this.onOrder(event.order);
          return;
        case 'funding': {
          this.flushFill(null);
          const instrument = this.instruments.get(event.funding.instrumentId);
          if (instrument) this.ledger.applyFunding(instrument, event.funding.amount, event.funding.timestamp);
          return;
        }
        case 'balance':
          this.flushFill(null);
          this.balances.set(event.balance.currency, event.balance);
          return;
        case 'position':
          this.flushFill(null);
          return;
      }
    });
    this.state = options.strategy.initialState(config, this.ctx);
    for (const subscription of options.strategy.subscriptions(config)) {
      for (const channel of subscription.channels) {
        this.feed.watch(subscription.instrumentId, channel, (event) => this.queue.push(event));
      }
    }
  }

  private log(level: string, message: string): void {
    if (this.logs.length < MAX_LOGS) this.logs.push(`${String(this.clock.now())} ${level} ${message}`);
  }

  private onFill(fill: FillReport): void {
    const instrument = this.instruments.get(fill.instrumentId);
    if (!instrument) return;
    const realized = this.ledger.applyFill(instrument, fill.side, fill.price, fill.quantity, fill.fee, fill.timestamp);
    this.fills.push({
      timestamp: fill.timestamp,
      instrumentId: fill.instrumentId,
      clientOrderId: fill.clientOrderId,
      side: fill.side,
      price: fill.price,
      quantity: fill.quantity,
      fee: fill.fee,
      role: fill.role,
      realized,
      tag: this.tags.get(fill.clientOrderId) ?? null,
    });
    this.fillsSinceCheck = true;
    this.pendingFill = fill;
  }

  /** A fill is handed to the strategy together with the order state that follows it. */
  private flushFill(order: OrderState | null): void {
    const fill = this.pendingFill;
    if (fill === null) return;
    this.pendingFill = null;
    const state = order ?? filledOrderFromFill(fill, 'MARKET');
    this.queue.push({ type: 'fill', fill, order: state });
  }

  private onOrder(order: OrderState): void {
    const terminal = order.status === 'FILLED' || order.status === 'CANCELLED' || order.status === 'REJECTED' || order.status === 'EXPIRED' || order.status === 'FAILED';
    if (terminal) this.openOrders.delete(order.clientOrderId);
    else this.openOrders.set(order.clientOrderId, order);
    if (order.status === 'REJECTED') this.orders.venueRejected += 1;
    if (this.pendingFill !== null && this.pendingFill.clientOrderId === order.clientOrderId) {
      this.flushFill(order);
      return;
    }
    this.flushFill(null);
    this.queue.push({ type: 'order-update', order });
  }

  private deny(intent: Intent, clientOrderId: string | null, source: 'risk' | 'venue' | 'engine', rule: string, message: string): void {
    if (source === 'risk') this.orders.riskDenied[rule] = (this.orders.riskDenied[rule] ?? 0) + 1;
    this.queue.push({ type: 'order-denied', intent, clientOrderId, source, rule, message, timestamp: this.clock.now() });
  }

  private referencePrice(id: InstrumentId): Decimal | null {
    return this.ctx.markPrice(id);
  }

  private async place(intent: PlaceOrderIntent): Promise<void> {
    const clientOrderId = intent.clientOrderId ?? this.ids.next();
    const instrument = this.instruments.get(intent.instrumentId);
    if (!instrument) {
      this.deny(intent, clientOrderId, 'engine', 'unknown-instrument', `unknown instrument ${intent.instrumentId}`);
      return;
    }
    const now = this.clock.now();
    this.flushMarks(now);
    const violation = firstPreTradeViolation({
      order: { side: intent.side, type: intent.orderType, price: intent.price ?? null, quantity: intent.quantity, reduceOnly: intent.reduceOnly ?? false },
      instrument,
      limits: this.limits,
      position: this.ledger.position(intent.instrumentId).quantity,
      openSameSide: openSameSide(this.openOrders, intent.instrumentId, intent.side),
      referencePrice: this.referencePrice(intent.instrumentId),
      exposure: this.ledger.exposure(),
      leverage: this.leverage.get(intent.instrumentId) ?? null,
      ordersLastMinute: this.rate.count(now),
    });
    if (violation) {
      this.deny(intent, clientOrderId, 'risk', violation.rule, violation.message);
      return;
    }
    this.rate.record(now);
    this.orders.placed += 1;
    if (intent.tag !== undefined) this.tags.set(clientOrderId, intent.tag);
    // Optional fields set only when given (same keys in the same order as spreading them), without the temporary
    // objects of a spread: this runs for every order placed.
    const request: OrderRequest = {
      clientOrderId,
      instrumentId: intent.instrumentId,
      side: intent.side,
      type: intent.orderType,
      quantity: intent.quantity,
    };
    if (intent.price !== undefined) request.price = intent.price;
    if (intent.reduceOnly !== undefined) request.reduceOnly = intent.reduceOnly;
    if (intent.marginMode !== undefined) request.marginMode = intent.marginMode;
    if (intent.outcome !== undefined) request.outcome = intent.outcome;
    try {
      const state = await this.account.createOrder(request);
      if (!this.openOrders.has(clientOrderId) && state.status === 'PENDING') this.openOrders.set(clientOrderId, state);
    } catch (error) {
      if (!(error instanceof OrderRejectedError)) throw error;
      this.orders.venueRejected += 1;
      this.deny(intent, clientOrderId, 'venue', error.code, error.message);
    }
  }

  private async execute(intent: Intent): Promise<void> {
    switch (intent.type) {
      case 'place-order':
        await this.place(intent);
        return;
      case 'cancel-order':
        this.orders.cancelRequests += 1;
        try {
          await this.account.cancelOrder(intent.instrumentId, intent.clientOrderId);
        } catch (error) {
          if (!(error instanceof OrderRejectedError)) throw error;
          this.deny(intent, intent.clientOrderId, 'venue', error.code, error.message);
        }
        return;
      case 'cancel-all':
        this.orders.cancelRequests += 1;
        await this.account.cancelAllOrders(intent.instrumentId);
        return;
      case 'amend-order': {
        const order = this.openOrders.get(intent.clientOrderId);
        const instrument = this.instruments.get(intent.instrumentId);
        if (!order || !instrument) {
          this.deny(intent, intent.clientOrderId, 'engine', 'unknown-order', `no open order ${intent.clientOrderId}`);
          return;
        }
        const violation = firstPreTradeViolation({
          order: { side: order.side, type: order.type, price: intent.price ?? order.price, quantity: intent.quantity ?? order.quantity, reduceOnly: false },
          instrument,
          limits: this.limits,
          position: this.ledger.position(intent.instrumentId).quantity,
          openSameSide: openSameSide(this.openOrders, intent.instrumentId, order.side).sub(order.side === 'BUY' ? order.quantity : order.quantity.neg()),
          referencePrice: this.referencePrice(intent.instrumentId),
          exposure: this.ledger.exposure(),
          leverage: this.leverage.get(intent.instrumentId) ?? null,
          ordersLastMinute: this.rate.count(this.clock.now()),
        });
        if (violation) {
          this.deny(intent, intent.clientOrderId, 'risk', violation.rule, violation.message);
          return;
        }
        try {
          await this.account.amendOrder(intent.instrumentId, intent.clientOrderId, {
            ...(intent.price === undefined ? {} : { price: intent.price }),
            ...(intent.quantity === undefined ? {} : { quantity: intent.quantity }),
          });
        } catch (error) {
          if (!(error instanceof OrderRejectedError)) throw error;
          this.deny(intent, intent.clientOrderId, 'venue', error.code, error.message);
        }
        return;
      }
      case 'set-leverage':
        if (this.limits.maxLeverage !== null && intent.leverage > this.limits.maxLeverage) {
          this.deny(intent, null, 'risk', 'max-leverage', `leverage ${String(intent.leverage)} above ${String(this.limits.maxLeverage)}`);
          return;
        }
        try {
          await this.account.setLeverage(intent.instrumentId, intent.leverage, intent.marginMode);
          this.leverage.set(intent.instrumentId, intent.leverage);
        } catch (error) {
          if (!(error instanceof OrderRejectedError)) throw error;
          this.deny(intent, null, 'venue', error.code, error.message);
        }
        return;
    }
  }

  /** Hands queued events to the strategy one at a time; intents of one handler run before the next event. */
  async drain(): Promise<void> {
    const pending = this.drainUntilIntents();
    if (pending !== null) await pending;
  }

  /**
   * drain(), synchronous for as long as the handlers return no intents (most book updates): then nothing is awaited
   * and nothing allocated for promises, which on a long replay was the largest source of garbage. Returns the
   * promise of the rest once a handler returned intents, null when the queue was drained synchronously. The order
   * of everything is drain()'s: the paper venue answers synchronously, nothing else runs in between.
   */
  drainUntilIntents(): Promise<void> | null {
    while (this.queue.length > 0) {
      this.flushFill(null);
      const event = this.queue.shift();
      if (event === undefined) return null;
      if (this.stoppedBy !== null && event.type !== 'stop') continue;
      const result =
        event.type === 'signal'
          ? dispatchSignal(this.options.strategy, this.state, event, this.ctx, this.config)
          : dispatchStrategyEvent(this.options.strategy, this.state, event, this.ctx, this.config);
      this.state = result.state;
      if (result.intents.length > 0) return this.executeThenDrain(result.intents);
      this.flushFill(null);
    }
    return null;
  }

  private async executeThenDrain(intents: readonly Intent[]): Promise<void> {
    for (const intent of intents) await this.execute(intent);
    this.flushFill(null);
    await this.drain();
  }

  /** Continuous risk (daily loss, drawdown, liquidation buffer); a breach stops the bot like the engine does. */
  async checkContinuousRisk(): Promise<void> {
    if (this.stoppedBy !== null) return;
    const now = this.clock.now();
    const liquidation = this.ledger.positions().flatMap((position) => {
      const liq = this.account.liquidationPrice(position.instrumentId);
      return liq === null || position.markPrice === null ? [] : [{ instrumentId: position.instrumentId, markPrice: position.markPrice, liquidationPrice: liq }];
    });
    const violation = firstContinuousViolation({ figures: this.ledger.figures(now), limits: this.limits, liquidation });
    if (!violation) return;
    this.queue.push({ type: 'stop', timestamp: now, reason: `risk: ${violation.rule}` });
    await this.drain();
    this.stoppedBy = { rule: violation.rule, message: violation.message, timestamp: now };
    await this.account.cancelAllOrders();
    if (this.limits.flattenOnStop) {
      for (const position of this.ledger.positions()) {
        if (position.quantity.isZero()) continue;
        await this.account
          .createOrder({ clientOrderId: this.ids.next(), instrumentId: position.instrumentId, side: position.quantity.gt(0) ? 'SELL' : 'BUY', type: 'MARKET', quantity: position.quantity.abs() })
          .catch(() => undefined);
      }
    }
  }

  /** Instruments whose mark may have moved since the ledger was last marked. */
  readonly dirtyMarks = new Set<InstrumentId>();

  /**
   * Re-marks the ledger's holdings to the venue's marks. Done lazily (before risk checks, orders and equity
   * samples, i.e. at least once per simulated second) rather than on every book: marking is exact-decimal work and
   * nothing reads the marks in between.
   */
  flushMarks(now: number): void {
    for (const instrumentId of this.dirtyMarks) {
      const mark = this.venue.markPrice(instrumentId);
      if (mark !== null) this.ledger.mark(instrumentId, mark, now);
    }
    this.dirtyMarks.clear();
  }
}

function isEventArray(events: BacktestOptions['events']): events is readonly ReplayEvent[] {
  return Array.isArray(events);
}

/**
 * `events` cut to [from, to] (BacktestOptions.window). The events before `from` are handed to the paper venue as
 * they are read (through the feed, whose strategy deliveries are dropped) and kept from the replay loop; reading
 * stops after `to`.
 */
function windowed(events: Iterable<ReplayEvent>, from: number, to: number, run: BacktestRun): Iterable<ReplayEvent> {
  return {
    [Symbol.iterator](): Iterator<ReplayEvent> {
      const source = events[Symbol.iterator]();
      let primed = false;
      const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
      const finish = (): IteratorReturnResult<undefined> => {
        source.return?.();
        return done;
      };
      return {
        next(): IteratorResult<ReplayEvent> {
          for (;;) {
            const step = source.next();
            if (step.done === true) return done;
            const event = step.value;
            const time = eventTime(event);
            if (time > to) return finish();
            if (primed || time >= from) {
              primed = true;
              return step;
            }
            if (event.type === 'signal') continue;
            run.clock.set(time);
            if (event.type === 'trade') run.lastTrades.set(event.instrumentId, event.price);
            if (event.type === 'funding') run.fundingRates.set(event.instrumentId, event.fundingRate);
            run.feed.publish(event);
            run.queue.length = 0;
          }
        },
        return(): IteratorReturnResult<undefined> {
          return finish();
        },
      };
    },
  };
}

/** Runs one backtest. Deterministic: no wall clock, no randomness, stable iteration orders. */
export async function runBacktest(options: BacktestOptions): Promise<BacktestResult> {
  const source = options.events;
  let startTime: number;
  let endTime: number;
  let events: Iterable<ReplayEvent>;
  let total: number | null;
  if (isEventArray(source)) {
    const first = source[0];
    const last = source[source.length - 1];
    if (first === undefined || last === undefined) throw new Error('no market events to replay');
    startTime = eventTime(first);
    endTime = eventTime(last);
    events = source;
    total = source.length;
  } else {
    ({ startTime, endTime, events } = source);
    total = null;
  }
  const { raw, parsed } = parseStrategyConfig(options.strategy, options.config, options.exchangeConfig);
  const dataStart = startTime;
  const dataEnd = endTime;
  const from = options.window?.from;
  const to = options.window?.to;
  if (from !== undefined || to !== undefined) {
    const windowStart = Math.max(startTime, from ?? startTime);
    const windowEnd = Math.min(endTime, to ?? endTime);
    if (windowStart > windowEnd)
      throw new Error(`window ${String(from ?? '…')}–${String(to ?? '…')} holds none of the data (${String(startTime)}–${String(endTime)})`);
    startTime = windowStart;
    endTime = windowEnd;
  }
  const run = new BacktestRun(options, parsed, dataStart);
  const interval = options.strategy.timerIntervalMs(parsed);
  const sampleCount = Math.max(2, options.samples ?? 400);
  const sampleEvery = Math.max(1, Math.ceil((endTime - startTime) / (sampleCount - 1)));
  const equity: EquityPoint[] = [];
  const eventsByType: Record<string, number> = {};
  let nextSample = startTime;
  let nextTimer = interval === null ? Infinity : startTime + interval;
  let nextRiskCheck = startTime;
  // A stream's length is unknown: its progress is asked every 4096 events.
  const progressEvery = total === null ? 4096 : Math.max(1, Math.floor(total / 200));
  const onProgress = options.onProgress;
  const progress = (done: number): void => {
    if (!onProgress) return;
    if (total !== null) onProgress(done, total);
    else if (!isEventArray(source) && source.progress) onProgress(...source.progress());
  };
  let count = 0;

  if (startTime > dataStart || endTime < dataEnd) events = windowed(events, startTime, endTime, run);
  run.clock.set(startTime);
  run.venue.advance(startTime);
  run.queue.push({ type: 'start', timestamp: startTime, resumed: false });
  await run.drain();

  const sample = (time: number): void => {
    while (nextSample <= time) {
      equity.push({ timestamp: nextSample, equity: run.ledger.figures(time).equity });
      nextSample += sampleEvery;
    }
  };

  for (const event of events) {
    const index = count;
    count += 1;
    const time = eventTime(event);
    eventsByType[event.type] = (eventsByType[event.type] ?? 0) + 1;
    if (event.type === 'signal') {
      run.clock.set(time);
      run.venue.advance(time);
      run.queue.push(event);
    } else {
      if (event.type === 'trade') run.lastTrades.set(event.instrumentId, event.price);
      if (event.type === 'funding') run.fundingRates.set(event.instrumentId, event.fundingRate);
      run.feed.publish(event);
      const id = instrumentOf(event);
      if (event.type === 'market-resolved') run.ledger.settle(id, event.settlementPrice, time);
      else run.dirtyMarks.add(id);
    }
    if (run.queue.length > 0) {
      const pending = run.drainUntilIntents();
      if (pending !== null) await pending;
    }
    // Timers as the engine runs them: checked after each market event, at that event's time; missed periods are
    // skipped, not replayed (a timer is "at least every N ms", never a burst).
    if (interval !== null && nextTimer <= time) {
      while (nextTimer <= time) nextTimer += interval;
      run.queue.push({ type: 'timer', timestamp: time });
      await run.drain();
    }
    if (run.fillsSinceCheck || time >= nextRiskCheck) {
      run.fillsSinceCheck = false;
      nextRiskCheck = time + 1_000;
      run.flushMarks(time);
      await run.checkContinuousRisk();
    }
    if (nextSample <= time) {
      run.flushMarks(time);
      sample(time);
    }
    if (index % progressEvery === 0 || count === total) progress(count);
  }
  if (count === 0) throw new Error('no market events to replay');
  if (total === null) progress(count);
  else if (count !== total) progress(total); // a window ends the replay before the array does

  run.flushMarks(endTime);
  run.queue.push({ type: 'stop', timestamp: endTime, reason: 'end of data' });
  await run.drain();
  await run.account.cancelAllOrders();
  await run.drain();
  if (equity.at(-1)?.timestamp !== endTime) equity.push({ timestamp: endTime, equity: run.ledger.figures(endTime).equity });

  return {
    strategy: options.strategy.name,
    config: raw,
    instruments: options.instruments,
    startTime,
    endTime,
    events: count,
    eventsByType,
    startingEquity: run.startingEquity,
    currency: run.currency,
    figures: run.ledger.figures(endTime),
    equity,
    fills: run.fills,
    orders: run.orders,
    positions: run.ledger
      .positions()
      .filter((position) => !position.quantity.isZero())
      .map((position) => ({ instrumentId: position.instrumentId, quantity: position.quantity, averageEntryPrice: position.averageEntryPrice, markPrice: position.markPrice, unrealizedPnl: position.unrealizedPnl })),
    stoppedBy: run.stoppedBy,
    logs: run.logs,
  };
}
