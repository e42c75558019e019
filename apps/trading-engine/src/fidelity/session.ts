/**
 * One fidelity session: a bot (strategy + config) trades the exchange simulator's seeded market for `durationMs` of
 * simulated time, stepped in-process (one generator step per `tickMs`, the simulator's push cadence), in one of two
 * modes that differ ONLY in who matches the bot's orders:
 *   live  — SimExchangeExecution: orders go into the simulator's own book and its matching engine fills them;
 *   paper — PaperExecution on a PaperVenue fed only by the simulator's public feed (trades + books) of a market in
 *           which the bot's orders do not exist.
 * Both modes: same seed (with stable background sizes the mid walk, takers and churn are identical), same latency
 * for every request, same strategy handlers, same event ordering (the venue sees an event before the strategy),
 * same ledger, final mark = the generator's mid. Pre-trade risk rules are not applied (they are identical in both
 * modes and not what is compared); funding is not settled (a session starts right after a funding time).
 */
import { Decimal } from 'decimal.js';
import type { GeneratorOptions } from '@trading/exchange-sim';
import type { InstrumentId } from '../ports/instruments.js';
import type { ExecutionPort, FillReport, OrderRequest, OrderState } from '../ports/execution.js';
import type { Intent } from '../domain/intents.js';
import { SimulatedClock } from '../core/sim-clock.js';
import { ClientOrderIdGenerator } from '../core/ids.js';
import { ZERO } from '../core/decimal.js';
import { InMemoryMarketData } from '../engines/in-memory-market-data.js';
import { StaticInstruments } from '../engines/static-instruments.js';
import { PaperVenue } from '../paper/paper-venue.js';
import type { QueueModel } from '../paper/matching-engine.js';
import { PaperExecution } from '../paper/paper-execution.js';
import { BotLedger, type LedgerFigures } from '../portfolio/bot-ledger.js';
import { parseRiskLimits } from '../risk/limits.js';
import { dispatchStrategyEvent, type AnyStrategy, type StrategyEvent, type StrategyLogger } from '../strategies/types.js';
import { parseStrategyConfig } from '../backtest/runner.js';
import { createBacktestContext } from '../backtest/backtest-context.js';
import { SimMarket } from './sim-market.js';
import { SimExchangeExecution } from './sim-execution.js';

export type FidelityMode = 'live' | 'paper';

/** 2026-01-01T00:00:00.001Z: just after a funding time, so an hour-long session never reaches the next one. */
export const SESSION_START = Date.UTC(2026, 0, 1) + 1;

export interface SessionOptions {
  mode: FidelityMode;
  strategy: AnyStrategy;
  config: Record<string, unknown>;
  exchangeConfig?: Record<string, unknown>;
  seed: number;
  durationMs: number;
  /** Generator step and book push cadence, ms; default 100 (the simulator's). */
  tickMs?: number;
  /** Latency of every request (place, cancel, amend) in both modes, ms; default 50. */
  latencyMs?: number;
  instId?: string;
  /** Settle-currency balance; default 1 000 000 (margin never binds). */
  balance?: string;
  leverage?: number;
  generator?: GeneratorOptions;
  /** Live mode: does the bot see its own orders in the book (as on a real venue, default) or not (as in paper). */
  liveBookView?: 'public' | 'without-own';
  /** Paper matcher's trade-print allocation (MatchingConfig.printAllocation); default the matcher's default. */
  printAllocation?: 'per-order' | 'shared';
  /** Paper matcher's memory of taken liquidity (MatchingConfig.liquidityMemory); default the matcher's default. */
  liquidityMemory?: 'next-book' | 'while-shown';
  /** Paper matcher's queue-position model (MatchingConfig.queueModel, queueExponent); default the matcher's default. */
  queueModel?: QueueModel;
  queueExponent?: number;
  /** Paper matcher's hidden-replace estimate (MatchingConfig.hiddenReplaces); default the matcher's default. */
  hiddenReplaces?: 'estimate' | 'off';
  /** Paper matcher's crossed prints and sweep fill reports (MatchingConfig.crossedPrints, sweepFills); default the matcher's defaults. */
  crossedPrints?: 'fill' | 'ignore';
  sweepFills?: 'per-taker' | 'per-print';
  /** Books carry per-level order counts (SimMarketOptions.orderCounts); default false. */
  orderCounts?: boolean;
  /** Public feed granularity (SimMarketOptions.feed); default 'books'. */
  feed?: 'books' | 'tick-by-tick';
}

export interface SessionFill {
  timestamp: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  price: Decimal;
  quantity: Decimal;
  fee: Decimal;
  role: 'maker' | 'taker';
}

export interface SessionResult {
  mode: FidelityMode;
  figures: LedgerFigures;
  fills: SessionFill[];
  ordersPlaced: number;
  cancelRequests: number;
  /** Position at the end (order units), from the bot's ledger. */
  position: Decimal;
  /** The same position as the matching venue's account holds it: the simulator's account (live) or the paper account. */
  venuePosition: Decimal;
  finalMark: Decimal;
  steps: number;
}

const SILENT: StrategyLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export async function runSession(options: SessionOptions): Promise<SessionResult> {
  const tickMs = options.tickMs ?? 100;
  const latencyMs = options.latencyMs ?? 50;
  const instId = options.instId ?? 'BTC-USDT-SWAP';
  const leverage = options.leverage ?? 10;
  const balance = options.balance ?? '1000000';
  if (!Number.isInteger(options.seed)) throw new Error('seed: must be an integer');
  if (!(options.durationMs > 0)) throw new Error('durationMs: must be positive');
  const clock = new SimulatedClock(SESSION_START);
  const market = new SimMarket({ seed: options.seed, instId, clock: () => clock.now(), bookView: options.liveBookView ?? 'public', feed: options.feed ?? 'books', orderCounts: options.orderCounts ?? false, ...(options.generator ? { generator: options.generator } : {}) });
  const instrument = market.instrument;
  const id: InstrumentId = instrument.id;
  const currency = instrument.settleCurrency;
  const feed = new InMemoryMarketData(clock);
  // In both modes the venue watches first (it marks positions; in paper mode it also matches before the bot sees).
  const venue = new PaperVenue(feed, new StaticInstruments([instrument]), clock, {
    latencyMs,
    ...(options.printAllocation === undefined ? {} : { printAllocation: options.printAllocation }),
    ...(options.liquidityMemory === undefined ? {} : { liquidityMemory: options.liquidityMemory }),
    ...(options.queueModel === undefined ? {} : { queueModel: options.queueModel }),
    ...(options.queueExponent === undefined ? {} : { queueExponent: options.queueExponent }),
    ...(options.hiddenReplaces === undefined ? {} : { hiddenReplaces: options.hiddenReplaces }),
    ...(options.crossedPrints === undefined ? {} : { crossedPrints: options.crossedPrints }),
    ...(options.sweepFills === undefined ? {} : { sweepFills: options.sweepFills }),
  });
  venue.watch([id]);
  const live = options.mode === 'live' ? new SimExchangeExecution(market.exchange, instrument, () => clock.now(), latencyMs, { [currency]: balance }, leverage) : null;
  const paperAccount = live ? null : new PaperExecution(venue, { accountId: 'fidelity', initialBalances: { [currency]: new Decimal(balance) }, defaultLeverage: leverage });
  const execution: ExecutionPort = live ?? (paperAccount as PaperExecution);

  const { parsed } = parseStrategyConfig(options.strategy, options.config, options.exchangeConfig);
  const ledger = new BotLedger(currency, new Decimal(balance), SESSION_START);
  const openOrders = new Map<string, OrderState>();
  const balances = new Map([[currency, { currency, total: new Decimal(balance), available: new Decimal(balance), frozen: ZERO }]]);
  const ids = new ClientOrderIdGenerator(`fid${options.strategy.name}`, 0);
  const ctx = createBacktestContext({
    botId: `fidelity-${options.strategy.name}`,
    exchange: 'okx',
    clock,
    log: SILENT,
    instruments: new Map([[id, instrument]]),
    feed,
    venue,
    ledger,
    limits: parseRiskLimits({ maxDailyLoss: '1000000000', maxDrawdown: 100, maxPositionSize: '1000000000' }),
    ids,
    openOrders,
    balances,
    fundingRates: new Map(),
    lastTrades: new Map(),
  });
  const queue: StrategyEvent[] = [];
  const fills: SessionFill[] = [];
  let pendingFill: FillReport | null = null;
  let ordersPlaced = 0;
  let cancelRequests = 0;

  // Execution reports → strategy events, paired like the engine pairs them: a fill goes out with the order state
  // that follows it.
  const flushFill = (order: OrderState | null): void => {
    const fill = pendingFill;
    if (fill === null) return;
    pendingFill = null;
    const state: OrderState = order ?? {
      clientOrderId: fill.clientOrderId, exchangeOrderId: fill.exchangeOrderId, instrumentId: fill.instrumentId, side: fill.side, type: 'LIMIT',
      price: null, quantity: fill.quantity, filledQuantity: fill.quantity, averageFillPrice: fill.price, status: 'FILLED', fee: fill.fee,
      feeCurrency: fill.feeCurrency, createdAt: fill.timestamp, updatedAt: fill.timestamp,
    };
    queue.push({ type: 'fill', fill, order: state });
  };
  execution.onExecution((event) => {
    if (event.type === 'fill') {
      flushFill(null);
      const fill = event.fill;
      ledger.applyFill(instrument, fill.side, fill.price, fill.quantity, fill.fee, fill.timestamp);
      fills.push({ timestamp: fill.timestamp, clientOrderId: fill.clientOrderId, side: fill.side, price: fill.price, quantity: fill.quantity, fee: fill.fee, role: fill.role });
      pendingFill = fill;
      return;
    }
    if (event.type !== 'order') return;
    const order = event.order;
    const terminal = order.status === 'FILLED' || order.status === 'CANCELLED' || order.status === 'REJECTED' || order.status === 'EXPIRED' || order.status === 'FAILED';
    if (terminal) openOrders.delete(order.clientOrderId);
    else openOrders.set(order.clientOrderId, order);
    if (pendingFill?.clientOrderId === order.clientOrderId) {
      flushFill(order);
      return;
    }
    flushFill(null);
    queue.push({ type: 'order-update', order });
  });

  const execute = async (intent: Intent): Promise<void> => {
    switch (intent.type) {
      case 'place-order': {
        const clientOrderId = intent.clientOrderId ?? ids.next();
        const request: OrderRequest = {
          clientOrderId, instrumentId: intent.instrumentId, side: intent.side, type: intent.orderType, quantity: intent.quantity,
          ...(intent.price === undefined ? {} : { price: intent.price }),
          ...(intent.reduceOnly === undefined ? {} : { reduceOnly: intent.reduceOnly }),
        };
        ordersPlaced += 1;
        try {
          const state = await execution.createOrder(request);
          if (!openOrders.has(clientOrderId) && state.status === 'PENDING') openOrders.set(clientOrderId, state);
        } catch (error) {
          queue.push({ type: 'order-denied', intent, clientOrderId, source: 'venue', rule: 'venue', message: error instanceof Error ? error.message : String(error), timestamp: clock.now() });
        }
        return;
      }
      case 'cancel-order':
        cancelRequests += 1;
        await execution.cancelOrder(intent.instrumentId, intent.clientOrderId).catch(() => undefined);
        return;
      case 'cancel-all':
        cancelRequests += 1;
        await execution.cancelAllOrders(intent.instrumentId);
        return;
      case 'amend-order':
        await execution.amendOrder(intent.instrumentId, intent.clientOrderId, {
          ...(intent.price === undefined ? {} : { price: intent.price }),
          ...(intent.quantity === undefined ? {} : { quantity: intent.quantity }),
        }).catch(() => undefined);
        return;
      case 'set-leverage':
        await execution.setLeverage(intent.instrumentId, intent.leverage, intent.marginMode);
        return;
    }
  };

  let state: unknown = options.strategy.initialState(parsed, ctx);
  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      flushFill(null);
      const event = queue.shift();
      if (event === undefined) return;
      const result = dispatchStrategyEvent(options.strategy, state, event, ctx, parsed);
      state = result.state;
      for (const intent of result.intents) await execute(intent);
      flushFill(null);
    }
  };
  for (const subscription of options.strategy.subscriptions(parsed)) {
    for (const channel of subscription.channels) feed.watch(subscription.instrumentId, channel, (event) => queue.push(event));
  }

  // The book as the simulator shows it before the first step, then the start event.
  feed.publish(market.bookEvent(SESSION_START));
  queue.length = 0;
  queue.push({ type: 'start', timestamp: SESSION_START, resumed: false });
  await drain();

  const interval = options.strategy.timerIntervalMs(parsed);
  let nextTimer = interval === null ? Infinity : SESSION_START + interval;
  const end = SESSION_START + options.durationMs;
  let steps = 0;
  for (let time = SESSION_START + tickMs; time <= end; time += tickMs) {
    if (live) {
      // Requests due before this step reach the simulator's book at their own time; trades they print go out first.
      live.advance(time, (due) => {
        clock.set(due);
      });
      for (const event of market.drainEvents()) feed.publish(event);
      await drain();
    }
    clock.set(time);
    steps += 1;
    for (const event of market.step(time)) feed.publish(event);
    await drain();
    if (nextTimer <= time) {
      while (nextTimer <= time) nextTimer += interval ?? Infinity;
      queue.push({ type: 'timer', timestamp: time });
      await drain();
    }
  }

  queue.push({ type: 'stop', timestamp: end, reason: 'end of session' });
  await drain();
  await execution.cancelAllOrders();
  if (live) live.advance(end + latencyMs, (due) => {
    clock.set(due);
  });
  else venue.advance(end + latencyMs);
  await drain();
  const finalMark = market.mark();
  ledger.mark(id, finalMark, clock.now());
  return {
    mode: options.mode,
    figures: ledger.figures(clock.now()),
    fills,
    ordersPlaced,
    cancelRequests,
    position: ledger.position(id).quantity,
    venuePosition: live ? live.venuePosition() : (paperAccount?.position(id).quantity ?? ZERO),
    finalMark,
    steps,
  };
}
