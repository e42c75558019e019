/**
 * The trading engine: runs bots (state machine, strategy dispatch, timers), routes market data to them, turns
 * their intents into orders through pre-trade risk and the execution port, books execution events into the
 * portfolio, runs continuous and portfolio risk, and reports everything as schema'd EngineEvents on the sink.
 *
 * Error isolation: a strategy that throws moves only its bot to ERROR (its orders are cancelled); the engine and
 * the other bots go on. Nothing here knows about Redis or a venue's wire format.
 */
import { Decimal } from 'decimal.js';
import {
  assertValid,
  validate,
  type BotSpec,
  type BotState,
  type Exchange,
  type LedgerCheckpoint,
  type LogLevel,
  type OrderSource,
} from '@trading/shared-types';
import type { Clock } from '../ports/clock.js';
import type { Instrument, InstrumentId, InstrumentsPort } from '../ports/instruments.js';
import type { MarketChannel, MarketDataPort, MarketEvent, Subscription } from '../ports/market-data.js';
import {
  OrderRejectedError,
  filledOrderFromFill,
  type ExecutionEvent,
  type FillReport,
  type OrderRequest,
  type OrderState,
} from '../ports/execution.js';
import { EventEmitter, type EventSink } from '../core/bus.js';
import { ZERO } from '../core/decimal.js';
import { TimerHeap } from '../core/timer-heap.js';
import type { AmendOrderIntent, Intent, PlaceOrderIntent } from '../domain/intents.js';
import { toWireFill, toWireOrder, toWirePnl, toWirePosition, type WireScope } from '../domain/wire.js';
import { ACTIVE_STATES } from '../bots/bot-state-machine.js';
import { BotRunner, type BotExecution } from '../bots/bot-runner.js';
import { createBotContext } from '../bots/bot-context.js';
import { parseRiskLimits } from '../risk/limits.js';
import { firstPreTradeViolation } from '../risk/pre-trade.js';
import { firstContinuousViolation } from '../risk/continuous.js';
import { leverageViolation } from '../risk/checks/max-leverage.js';
import { portfolioBreaches, type PortfolioLimits } from '../risk/portfolio-limits.js';
import type { PreTradeOrder, RiskViolation } from '../risk/types.js';
import { Portfolio } from '../portfolio/portfolio.js';
import { TWO } from '../paper/constants.js';
import { dispatchStrategyEvent, type StrategyContext, type StrategyEvent } from '../strategies/types.js';
import type { StrategyRegistry } from '../strategies/index.js';
import { acceptsSignals, dispatchSignal, type SignalEvent } from '../strategies/signal-event.js';
import { combineExecutions, exchangeOf, otherExchanges, routedMarketData, specForVenue } from './multi-venue.js';

/** What the engine needs of one venue: instruments, market data, and an execution binding per bot. */
export interface VenueBinding {
  exchange: Exchange;
  instruments: InstrumentsPort;
  marketData: MarketDataPort;
  /** `run` is the bot run's nonce: a new account made for this run must not reuse ids of an earlier run. */
  executionFor(spec: BotSpec, run: string): BotExecution;
}

export interface TradingEngineOptions {
  engineId: string;
  clock: Clock;
  sink: EventSink;
  strategies: StrategyRegistry;
  venues: Partial<Record<Exchange, VenueBinding>>;
  portfolioLimits?: PortfolioLimits;
  /** USDC per unit of other currencies (USDT defaults to 1). */
  usdcRates?: Record<string, Decimal>;
  /** Minimum interval between two pnl-updated events of a bot caused by marks (fills always emit). Default 1000. */
  pnlIntervalMs?: number;
  /**
   * Mark-driven re-evaluation of a bot's PnL and continuous risk runs at most this often (ms); fills, funding and
   * settlement always evaluate at once, and tick() catches up. Default 100 (10 Hz per bot).
   */
  riskIntervalMs?: number;
  /**
   * Tick-to-order latency (service metric): called with the seconds from a market event reaching the engine to the
   * first order request that passed risk after it, per bot. Measured with the monotonic performance clock (the
   * engine clock may be simulated); unset = not measured.
   */
  observeTickToOrder?: (seconds: number, exchange: Exchange) => void;
}

/** Per-bot options of createBot (the engine service passes them; tests and backtests usually leave them out). */
export interface CreateBotOptions {
  /** Client order id run nonce (default: the engine's run counter). The service passes the lease token in base 36. */
  runNonce?: string;
  /** Wraps the bot's execution (the service's order gate on createOrder/amendOrder). */
  wrapExecution?: (execution: BotExecution, spec: BotSpec) => BotExecution;
}

/** A manual order from the dashboard: no strategy; the bot's pre-trade risk checks apply (see placeManualOrder). */
export interface ManualOrderRequest {
  clientOrderId: string;
  instrumentId: InstrumentId;
  side: PlaceOrderIntent['side'];
  type: PlaceOrderIntent['orderType'];
  price?: Decimal;
  quantity: Decimal;
  reduceOnly?: boolean;
  outcome?: PlaceOrderIntent['outcome'];
}

/** A manual order refused by one of the bot's pre-trade risk rules (the command rejection names the rule). */
export class ManualOrderRiskError extends Error {
  constructor(
    readonly rule: string,
    detail: string,
  ) {
    super(`risk rule ${rule}: ${detail}`);
    this.name = 'ManualOrderRiskError';
  }
}

export class BotNotFoundError extends Error {
  constructor(readonly botId: string) {
    super(`unknown bot ${botId}`);
    this.name = 'BotNotFoundError';
  }
}

const ENGINE_CHANNELS: readonly MarketChannel[] = ['book', 'mark-price', 'funding', 'market-resolved'];

interface Route {
  subscription: Subscription;
  /** Bots on this instrument; `true` when the strategy asked for this channel. */
  bots: Map<BotRunner, boolean>;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class TradingEngine {
  readonly portfolio: Portfolio;
  private readonly emitter: EventEmitter;
  private readonly bots = new Map<string, BotRunner>();
  private readonly contexts = new Map<BotRunner, StrategyContext>();
  private readonly routes = new Map<string, Route>();
  private readonly marks = new Map<InstrumentId, Decimal>();
  private readonly markFeed = new Set<InstrumentId>();
  private readonly fundingRates = new Map<InstrumentId, Decimal>();
  private readonly timers = new TimerHeap<BotRunner>();
  private killSwitchEngaged = false;
  private runs = 0;
  private readonly pnlIntervalMs: number;
  private readonly riskIntervalMs: number;
  /** Per bot: performance.now() of the last market event it got that no order has answered yet (tick-to-order). */
  private readonly tickAt = new Map<BotRunner, number>();

  constructor(private readonly options: TradingEngineOptions) {
    this.emitter = new EventEmitter(options.engineId, options.clock, options.sink);
    this.portfolio = new Portfolio(options.usdcRates);
    this.pnlIntervalMs = options.pnlIntervalMs ?? 1000;
    this.riskIntervalMs = options.riskIntervalMs ?? 100;
  }

  get engineId(): string {
    return this.options.engineId;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  isKillSwitchEngaged(): boolean {
    return this.killSwitchEngaged;
  }

  // ---- bot lifecycle -------------------------------------------------------------------------------------------

  /** Validates the spec (schema, strategy, venue, strategy config) and creates the bot in IDLE. */
  createBot(rawSpec: BotSpec, options: CreateBotOptions = {}): BotRunner {
    const spec = assertValid('BotSpec', rawSpec);
    if (this.bots.has(spec.botId)) throw new Error(`bot ${spec.botId} already exists`);
    const strategy = this.options.strategies.get(spec.strategy);
    if (!strategy) throw new Error(`unknown strategy ${spec.strategy}`);
    if (!strategy.exchanges.includes(spec.exchange))
      throw new Error(`strategy ${spec.strategy} does not support ${spec.exchange}`);
    const venue = this.options.venues[spec.exchange];
    if (!venue) throw new Error(`no venue configured for ${spec.exchange}`);
    const checked = validate(strategy.configSchema, spec.config);
    if (!checked.ok)
      throw new Error(
        `invalid ${spec.strategy} config: ${checked.issues.map((issue) => issue.message).join('; ')}`,
      );
    const config = strategy.parseConfig(checked.value as Record<string, unknown>);
    const subscriptions = strategy.subscriptions(config);
    // Instruments of other venues (cross-venue strategies) bring those venues' data and an account there.
    const others = otherExchanges(
      spec.exchange,
      subscriptions.map((subscription) => subscription.instrumentId),
    ).filter((exchange) => this.options.venues[exchange] !== undefined);
    for (const exchange of others) {
      if (!strategy.exchanges.includes(exchange))
        throw new Error(`strategy ${spec.strategy} does not support ${exchange}`);
    }
    for (const subscription of subscriptions) {
      const id = subscription.instrumentId;
      if (!this.venueOf(spec.exchange, id).instruments.getInstrument(id)) throw new Error(`unknown instrument ${id}`);
    }
    this.runs += 1;
    const run = options.runNonce ?? this.runs;
    const base = combineExecutions(
      { exchange: spec.exchange, execution: venue.executionFor(spec, String(run)) },
      others.map((exchange) => ({
        exchange,
        execution: this.venueOf(exchange).executionFor(specForVenue(spec, exchange), String(run)),
      })),
    );
    const execution = options.wrapExecution ? options.wrapExecution(base, spec) : base;
    const runner = new BotRunner(
      spec,
      strategy,
      config,
      parseRiskLimits(spec.riskLimits),
      execution,
      subscriptions,
      strategy.timerIntervalMs(config),
      this.clock.now(),
      (bot, from, to, reason) => {
        this.emitter.emit('bot-state-changed', this.scope(bot), { from, to, reason: reason.slice(0, 500) });
      },
      run,
    );
    this.bots.set(spec.botId, runner);
    this.contexts.set(
      runner,
      createBotContext(runner, {
        clock: this.clock,
        marketData: routedMarketData((id) => this.venueOf(spec.exchange, id).marketData),
        instrument: (id) => this.venueOf(spec.exchange, id).instruments.getInstrument(id),
        markPrice: (id) => this.marks.get(id) ?? null,
        fundingRate: (id) => this.fundingRates.get(id) ?? null,
        log: (bot, level, message, context) => {
          this.log(bot, level, message, context);
        },
        refreshMarks: (bot) => {
          if (bot.dirtyMarks) this.applyMarks(bot);
        },
      }),
    );
    return runner;
  }

  bot(botId: string): BotRunner {
    const bot = this.bots.get(botId);
    if (!bot) throw new BotNotFoundError(botId);
    return bot;
  }

  botIds(): string[] {
    return [...this.bots.keys()];
  }

  async startBot(botId: string, reason = 'start requested'): Promise<void> {
    const bot = this.bot(botId);
    if (this.killSwitchEngaged) throw new Error('kill switch engaged: release it before starting bots');
    const resumed = bot.state === 'PAUSED';
    bot.machine.transition('STARTING', reason);
    try {
      if (bot.unsubscribeExecution === null) this.attach(bot);
      if (bot.execution.exclusive) {
        const [balances, positions] = await Promise.all([
          bot.execution.port.fetchBalances(),
          bot.execution.port.fetchPositions(),
        ]);
        for (const balance of balances) bot.balances.set(balance.currency, balance);
        for (const position of positions) bot.venuePositions.set(position.instrumentId, position);
      }
      if (bot.state !== 'STARTING') return; // stopped or failed while we waited
      const ctx = this.context(bot);
      if (!resumed) bot.strategyState = bot.strategy.initialState(bot.config, ctx);
    } catch (error) {
      this.fail(bot, error, 'start failed');
      return;
    }
    bot.machine.transition('RUNNING', resumed ? 'resumed' : 'started');
    if (bot.timerIntervalMs !== null) {
      bot.nextTimerAt = this.clock.now() + bot.timerIntervalMs;
      this.timers.push(bot.nextTimerAt, bot);
    }
    this.deliver(bot, { type: 'start', timestamp: this.clock.now(), resumed });
  }

  async pauseBot(botId: string, reason = 'pause requested'): Promise<void> {
    const bot = this.bot(botId);
    bot.machine.transition('PAUSING', reason);
    this.deliver(bot, { type: 'stop', timestamp: this.clock.now(), reason });
    await this.cancelAll(bot);
    bot.machine.tryTransition('PAUSED', reason);
  }

  resumeBot(botId: string, reason = 'resume requested'): Promise<void> {
    const bot = this.bot(botId);
    if (bot.state !== 'PAUSED') throw new Error(`bot ${botId} is ${bot.state}, not PAUSED`);
    return this.startBot(botId, reason);
  }

  async stopBot(botId: string, reason = 'stop requested'): Promise<void> {
    const bot = this.bot(botId);
    if (!ACTIVE_STATES.has(bot.state) || bot.state === 'STOPPING') return;
    bot.machine.transition('STOPPING', reason);
    bot.nextTimerAt = null;
    this.deliver(bot, { type: 'stop', timestamp: this.clock.now(), reason });
    await this.cancelAll(bot);
    bot.machine.tryTransition('STOPPED', reason);
  }

  /** Stops (if needed) and forgets a bot. */
  async removeBot(botId: string): Promise<void> {
    const bot = this.bot(botId);
    await this.stopBot(botId, 'removed');
    this.forget(bot);
  }

  /**
   * Drops a bot without sending anything to the venue (its lease moved to another engine, which reconciles the
   * orders): no more intents, no cancels, routes and account released.
   */
  detachBot(botId: string, reason: string): void {
    const bot = this.bot(botId);
    bot.queue.length = 0;
    bot.nextTimerAt = null;
    bot.machine.tryTransition('STOPPING', reason);
    bot.machine.tryTransition('STOPPED', reason);
    this.forget(bot);
  }

  /**
   * Reports venue fills of orders this run does not know — a dead run's orders that filled while no engine watched
   * the account (adoption) — as `order-filled` events, so the CMS ledger (folded from fills, idempotent by fill id)
   * matches the venue. `orders` gives the venue's state of each order (the fill's order otherwise). A fill for which
   * `book` answers true is also booked in the bot's ledger (an adopter books the fills of its restored lineage that
   * the checkpoint does not hold; others — a stopped earlier run's — belong to no ledger of this run). Fills of
   * orders the tracker knows are skipped (they come through the execution stream).
   */
  reportRecoveredFills(
    botId: string,
    fills: readonly FillReport[],
    orders: ReadonlyMap<string, OrderState>,
    book: (fill: FillReport) => boolean = () => false,
  ): { reported: number; booked: number } {
    const bot = this.bot(botId);
    let reported = 0;
    let booked = 0;
    const touched = new Set<InstrumentId>();
    for (const fill of fills) {
      if (bot.tracker.get(fill.clientOrderId) !== undefined) continue;
      const instrument = this.venue(bot, fill.instrumentId).instruments.getInstrument(fill.instrumentId);
      if (!instrument) continue;
      const state = orders.get(fill.clientOrderId) ?? filledOrderFromFill(fill, 'LIMIT');
      let realized = ZERO;
      if (book(fill)) {
        realized = bot.ledger.applyFill(instrument, fill.side, fill.price, fill.quantity, fill.fee, fill.timestamp);
        touched.add(instrument.id);
        booked += 1;
      }
      this.emitter.emit('order-filled', this.scope(bot), {
        fill: toWireFill(fill, this.wire(bot, instrument), realized, instrument),
        order: toWireOrder(state, this.wire(bot, instrument), 'strategy', instrument),
      });
      reported += 1;
    }
    for (const instrumentId of touched) this.emitPosition(bot, instrumentId);
    if (touched.size > 0) this.afterFiguresChanged(bot, true);
    return { reported, booked };
  }

  /** The bot's books for its Redis checkpoint. */
  ledgerCheckpoint(botId: string): LedgerCheckpoint {
    return this.bot(botId).ledger.toCheckpoint();
  }

  /**
   * An adopted bot continues its dead owner's books (before it starts): the ledger takes the checkpoint's, and each
   * holding is reported (position-updated) so the CMS sees the adopter's view at once.
   */
  restoreLedger(botId: string, checkpoint: LedgerCheckpoint): void {
    const bot = this.bot(botId);
    bot.ledger.restore(checkpoint, (id) => this.venue(bot, id).instruments.getInstrument(id), this.clock.now());
    for (const instrumentId of bot.ledger.instrumentIds()) this.emitPosition(bot, instrumentId);
    this.afterFiguresChanged(bot, true);
  }

  /**
   * Places a manual order for a RUNNING or PAUSED bot (source `manual`). The bot's pre-trade risk checks apply, as
   * to its strategy's orders: a violation throws ManualOrderRiskError naming the rule and nothing is sent.
   * `preTradeRisk: false` is for the engine's own reduce-only closing orders (stop with flatten), which must not be
   * blocked by the limits they are meant to relieve.
   */
  placeManualOrder(botId: string, order: ManualOrderRequest, options: { preTradeRisk?: boolean } = {}): void {
    const bot = this.bot(botId);
    if (bot.state !== 'RUNNING' && bot.state !== 'PAUSED')
      throw new Error(`bot ${botId} is ${bot.state}: manual orders need RUNNING or PAUSED`);
    if (bot.tracker.get(order.clientOrderId)) throw new Error(`client order id ${order.clientOrderId} already used`);
    const instrument = this.venue(bot, order.instrumentId).instruments.getInstrument(order.instrumentId);
    if (options.preTradeRisk !== false && instrument && this.tradesOn(bot, instrument.exchange)) {
      const violation = this.preTrade(
        bot,
        instrument,
        {
          side: order.side,
          type: order.type,
          price: order.price ?? null,
          quantity: order.quantity,
          reduceOnly: order.reduceOnly ?? false,
        },
        ZERO,
      );
      if (violation) throw new ManualOrderRiskError(violation.rule, violation.message);
    }
    const intent: PlaceOrderIntent = {
      type: 'place-order',
      instrumentId: order.instrumentId,
      side: order.side,
      orderType: order.type,
      quantity: order.quantity,
      clientOrderId: order.clientOrderId,
    };
    if (order.price !== undefined) intent.price = order.price;
    if (order.reduceOnly !== undefined) intent.reduceOnly = order.reduceOnly;
    if (order.outcome !== undefined) intent.outcome = order.outcome;
    this.placeOrder(bot, intent, 'manual');
  }

  /**
   * Fail-closed freeze (paper bots): RUNNING → PAUSED without a `stop` to the strategy and without cancelling, so
   * the bot's resting orders and strategy state stay as they are (the caller stops the account's matching).
   */
  freezeBot(botId: string, reason: string): void {
    const bot = this.bot(botId);
    bot.machine.transition('PAUSING', reason);
    bot.machine.transition('PAUSED', reason);
  }

  /** Ends a freeze: PAUSED → RUNNING without a `start` (the strategy continues with the orders it has). */
  thawBot(botId: string, reason: string): void {
    const bot = this.bot(botId);
    bot.machine.transition('STARTING', reason);
    bot.machine.transition('RUNNING', 'resumed');
    if (bot.timerIntervalMs !== null) {
      bot.nextTimerAt = this.clock.now() + bot.timerIntervalMs;
      this.timers.push(bot.nextTimerAt, bot);
    }
  }

  /** Cancels one of the bot's orders by client order id (throws when the bot never placed it). */
  async cancelBotOrder(botId: string, clientOrderId: string): Promise<void> {
    const bot = this.bot(botId);
    const tracked = bot.tracker.get(clientOrderId);
    if (!tracked) throw new Error(`no order ${clientOrderId} on bot ${botId}`);
    await bot.execution.port.cancelOrder(tracked.state.instrumentId, clientOrderId);
  }

  /**
   * Replaces a bot's strategy config and/or risk limits in place (validated like createBot). The traded
   * instruments cannot change: stop the bot and start a new one for that.
   */
  updateBot(botId: string, change: { config?: Record<string, unknown>; riskLimits?: BotSpec['riskLimits'] }): void {
    const bot = this.bot(botId);
    const spec = assertValid('BotSpec', {
      ...bot.spec,
      ...(change.config ? { config: change.config } : {}),
      ...(change.riskLimits ? { riskLimits: change.riskLimits } : {}),
    });
    const checked = validate(bot.strategy.configSchema, spec.config);
    if (!checked.ok)
      throw new Error(
        `invalid ${spec.strategy} config: ${checked.issues.map((issue) => issue.message).join('; ')}`,
      );
    const config = bot.strategy.parseConfig(checked.value as Record<string, unknown>);
    const before = new Set(bot.instrumentIds);
    const after = new Set(bot.strategy.subscriptions(config).map((subscription) => subscription.instrumentId));
    if (before.size !== after.size || [...after].some((id) => !before.has(id)))
      throw new Error('the new config trades other instruments: stop the bot and start a new one');
    bot.spec = spec;
    bot.config = config;
    bot.limits = parseRiskLimits(spec.riskLimits);
  }

  private forget(bot: BotRunner): void {
    const botId = bot.botId;
    for (const [key, route] of this.routes) {
      route.bots.delete(bot);
      if (route.bots.size === 0) {
        route.subscription.unsubscribe();
        this.routes.delete(key);
      }
    }
    bot.unsubscribeExecution?.();
    bot.execution.release?.();
    this.portfolio.remove(botId);
    this.contexts.delete(bot);
    this.tickAt.delete(bot);
    this.bots.delete(botId);
  }

  /** Stops every bot (RISK_STOPPED) and refuses starts until released. */
  async killSwitch(reason: string): Promise<void> {
    this.killSwitchEngaged = true;
    this.emitter.emit(
      'risk-breached',
      { botId: null, exchange: null },
      {
        rule: 'kill-switch',
        scope: 'kill-switch',
        limit: 'engaged',
        value: 'engaged',
        action: 'risk-stop',
        message: reason.slice(0, 500),
      },
    );
    const stops: Promise<void>[] = [];
    for (const bot of this.bots.values()) {
      if (!ACTIVE_STATES.has(bot.state)) continue;
      stops.push(
        this.riskStop(
          bot,
          { rule: 'kill-switch', message: reason, limit: 'engaged', value: 'engaged' },
          'kill-switch',
        ),
      );
    }
    await Promise.all(stops);
  }

  releaseKillSwitch(): void {
    this.killSwitchEngaged = false;
  }

  /** Fires due timers (call it from a wall-clock interval live, or after moving a simulated clock). */
  tick(now = this.clock.now()): void {
    this.runDueTimers(now);
    for (const bot of this.bots.values()) if (bot.dirtyMarks) this.refreshFigures(bot);
  }

  /** Current PnL figures of a bot. */
  figures(botId: string): ReturnType<BotRunner['ledger']['figures']> {
    return this.bot(botId).ledger.figures(this.clock.now());
  }

  /**
   * An external trading signal: delivered (through each bot's event queue) to every RUNNING bot whose strategy
   * handles signals; their intents pass risk as usual. Returns how many bots got it.
   */
  deliverSignal(event: SignalEvent): number {
    let delivered = 0;
    for (const bot of this.bots.values()) {
      if (bot.state !== 'RUNNING' || !acceptsSignals(bot.strategy)) continue;
      this.deliver(bot, event);
      delivered += 1;
    }
    return delivered;
  }

  // ---- market data ---------------------------------------------------------------------------------------------

  private attach(bot: BotRunner): void {
    bot.unsubscribeExecution = bot.execution.port.onExecution((event) => {
      this.onExecution(bot, event);
    });
    bot.execution.prepare?.(bot.instrumentIds);
    for (const instrumentId of bot.instrumentIds) {
      const wanted = new Set(
        bot.subscriptionsWanted.filter((s) => s.instrumentId === instrumentId).flatMap((s) => s.channels),
      );
      const channels = new Set<MarketChannel>([...ENGINE_CHANNELS, ...wanted]);
      const venue = this.venue(bot, instrumentId);
      for (const channel of channels) {
        const key = `${venue.exchange}|${instrumentId}|${channel}`;
        let route = this.routes.get(key);
        if (!route) {
          const bots = new Map<BotRunner, boolean>();
          const subscription = venue.marketData.watch(instrumentId, channel, (event) => {
            this.onMarketEvent(event, bots);
          });
          route = { subscription, bots };
          this.routes.set(key, route);
        }
        route.bots.set(bot, wanted.has(channel));
      }
    }
  }

  private onMarketEvent(event: MarketEvent, bots: Map<BotRunner, boolean>): void {
    const now = this.clock.now();
    const tickClock = this.options.observeTickToOrder ? performance.now() : null;
    let markChanged: InstrumentId | null = null;
    switch (event.type) {
      case 'book': {
        const id = event.book.instrumentId;
        const bid = event.book.bids[0]?.[0];
        const ask = event.book.asks[0]?.[0];
        if (!this.markFeed.has(id) && bid !== undefined && ask !== undefined) {
          const mid = bid.add(ask).div(TWO);
          if (this.marks.get(id)?.eq(mid) !== true) {
            this.marks.set(id, mid);
            markChanged = id;
          }
        }
        break;
      }
      case 'mark-price':
        this.markFeed.add(event.instrumentId);
        this.marks.set(event.instrumentId, event.markPrice);
        markChanged = event.instrumentId;
        break;
      case 'funding':
        this.fundingRates.set(event.instrumentId, event.fundingRate);
        break;
      case 'market-resolved':
        for (const bot of bots.keys()) this.settle(bot, event.instrumentId, event.settlementPrice);
        break;
      case 'trade':
      case 'ticker':
        break;
    }
    for (const [bot, wants] of bots) {
      if (markChanged !== null && bot.ledger.hasPosition(markChanged)) {
        bot.dirtyMarks = true;
        if (now - bot.lastRiskAt >= this.riskIntervalMs) this.refreshFigures(bot);
      }
      if (wants && bot.state === 'RUNNING') {
        // The latest event counts: an order is the answer to the event the strategy just saw.
        if (tickClock !== null) this.tickAt.set(bot, tickClock);
        this.deliver(bot, event);
      }
    }
    this.runDueTimers(now);
  }

  /** Re-marks every holding of the bot from the engine's marks. */
  private applyMarks(bot: BotRunner): void {
    const now = this.clock.now();
    for (const instrumentId of bot.ledger.instrumentIds()) {
      const mark = this.marks.get(instrumentId);
      if (mark !== undefined) bot.ledger.mark(instrumentId, mark, now);
    }
    bot.dirtyMarks = false;
  }

  private refreshFigures(bot: BotRunner): void {
    this.applyMarks(bot);
    this.afterFiguresChanged(bot, false);
  }

  private settle(bot: BotRunner, instrumentId: InstrumentId, price: Decimal): void {
    const realized = bot.ledger.settle(instrumentId, price, this.clock.now());
    if (realized === null) return;
    this.emitPosition(bot, instrumentId);
    this.afterFiguresChanged(bot, true);
  }

  private runDueTimers(now: number): void {
    for (let top = this.timers.peek(); top !== undefined && top.at <= now; top = this.timers.peek()) {
      this.timers.pop();
      const bot = top.item;
      // Stale entry: the bot stopped, was removed or rescheduled since.
      if (
        bot.nextTimerAt !== top.at ||
        bot.timerIntervalMs === null ||
        bot.state !== 'RUNNING' ||
        !this.bots.has(bot.botId)
      )
        continue;
      // Missed periods are skipped, not replayed: a timer is "at least every N ms", never a burst.
      while (bot.nextTimerAt <= now) bot.nextTimerAt += bot.timerIntervalMs;
      this.timers.push(bot.nextTimerAt, bot);
      this.deliver(bot, { type: 'timer', timestamp: now });
    }
  }

  // ---- strategy dispatch ---------------------------------------------------------------------------------------

  private deliver(bot: BotRunner, event: StrategyEvent | SignalEvent): void {
    bot.queue.push(event);
    if (bot.draining) return;
    bot.draining = true;
    try {
      for (let next = bot.queue.shift(); next !== undefined; next = bot.queue.shift()) {
        const state = bot.state;
        const accepts =
          state === 'RUNNING' || (next.type === 'stop' && (state === 'STOPPING' || state === 'PAUSING'));
        if (!accepts) continue;
        let result;
        try {
          result =
            next.type === 'signal'
              ? dispatchSignal(bot.strategy, bot.strategyState, next, this.context(bot), bot.config)
              : dispatchStrategyEvent(bot.strategy, bot.strategyState, next, this.context(bot), bot.config);
        } catch (error) {
          bot.queue.length = 0;
          this.fail(bot, error, `strategy threw on ${next.type}`);
          return;
        }
        bot.strategyState = result.state;
        for (const intent of result.intents) this.handleIntent(bot, intent);
      }
    } finally {
      bot.draining = false;
    }
  }

  private context(bot: BotRunner): StrategyContext {
    const ctx = this.contexts.get(bot);
    if (!ctx) throw new BotNotFoundError(bot.botId);
    return ctx;
  }

  // ---- intents → risk → execution ------------------------------------------------------------------------------

  private handleIntent(bot: BotRunner, intent: Intent): void {
    switch (intent.type) {
      case 'place-order':
        this.placeOrder(bot, intent);
        return;
      case 'cancel-order': {
        const tracked = bot.tracker.get(intent.clientOrderId);
        if (!tracked) {
          this.deny(
            bot,
            intent,
            intent.clientOrderId,
            'engine',
            'unknown-order',
            `no order ${intent.clientOrderId}`,
          );
          return;
        }
        void bot.execution.port
          .cancelOrder(intent.instrumentId, intent.clientOrderId)
          .catch((error: unknown) => {
            this.deny(
              bot,
              intent,
              intent.clientOrderId,
              'venue',
              error instanceof OrderRejectedError ? error.code : 'cancel-failed',
              errorMessage(error),
            );
          });
        return;
      }
      case 'amend-order':
        this.amendOrder(bot, intent);
        return;
      case 'cancel-all':
        void this.cancelAll(bot, intent.instrumentId);
        return;
      case 'set-leverage': {
        if (bot.state !== 'RUNNING') {
          this.deny(bot, intent, null, 'engine', 'bot-not-running', `bot is ${bot.state}`);
          return;
        }
        const violation = leverageViolation(intent.leverage, bot.limits.maxLeverage);
        if (violation) {
          this.deny(bot, intent, null, 'risk', violation.rule, violation.message);
          return;
        }
        bot.leverage.set(intent.instrumentId, intent.leverage);
        void bot.execution.port
          .setLeverage(intent.instrumentId, intent.leverage, intent.marginMode)
          .catch((error: unknown) => {
            bot.leverage.delete(intent.instrumentId);
            this.deny(
              bot,
              intent,
              null,
              'venue',
              error instanceof OrderRejectedError ? error.code : 'set-leverage-failed',
              errorMessage(error),
            );
          });
        return;
      }
    }
  }

  private preTrade(
    bot: BotRunner,
    instrument: Instrument,
    order: PreTradeOrder,
    excludeQuantity: Decimal,
  ): RiskViolation | null {
    const position = bot.ledger.position(instrument.id).quantity;
    const open = bot.tracker.openSignedQuantity(instrument.id, order.side);
    return firstPreTradeViolation({
      order,
      instrument,
      limits: bot.limits,
      position,
      openSameSide: order.side === 'BUY' ? open.sub(excludeQuantity) : open.add(excludeQuantity),
      referencePrice: this.referencePrice(instrument.id, bot),
      exposure: bot.ledger.exposure(),
      leverage: bot.leverage.get(instrument.id) ?? bot.venuePositions.get(instrument.id)?.leverage ?? null,
      ordersLastMinute: bot.rate.count(this.clock.now()),
    });
  }

  private referencePrice(instrumentId: InstrumentId, bot: BotRunner): Decimal | null {
    const mark = this.marks.get(instrumentId);
    if (mark !== undefined) return mark;
    const book = this.venue(bot, instrumentId).marketData.getOrderBook(instrumentId);
    const bid = book?.bids[0]?.[0];
    const ask = book?.asks[0]?.[0];
    return bid !== undefined && ask !== undefined ? bid.add(ask).div(TWO) : null;
  }

  private placeOrder(bot: BotRunner, intent: PlaceOrderIntent, source: OrderSource = 'strategy'): void {
    const clientOrderId = intent.clientOrderId ?? bot.ids.next();
    if (source === 'strategy' && (bot.state !== 'RUNNING' || this.killSwitchEngaged)) {
      this.deny(
        bot,
        intent,
        clientOrderId,
        'engine',
        'bot-not-running',
        `bot is ${bot.state}${this.killSwitchEngaged ? ' (kill switch engaged)' : ''}`,
      );
      return;
    }
    const instrument = this.venue(bot, intent.instrumentId).instruments.getInstrument(intent.instrumentId);
    if (!instrument || !this.tradesOn(bot, instrument.exchange)) {
      this.deny(
        bot,
        intent,
        clientOrderId,
        'engine',
        'unknown-instrument',
        `${intent.instrumentId} is not an instrument of ${bot.exchange}`,
      );
      return;
    }
    if (bot.tracker.get(clientOrderId)) {
      this.deny(
        bot,
        intent,
        clientOrderId,
        'engine',
        'duplicate-client-order-id',
        `client order id ${clientOrderId} already used`,
      );
      return;
    }
    if (!/^[A-Za-z0-9]{1,32}$/.test(clientOrderId)) {
      this.deny(
        bot,
        intent,
        clientOrderId,
        'engine',
        'invalid-client-order-id',
        'client order ids are 1–32 alphanumerics',
      );
      return;
    }
    const order: PreTradeOrder = {
      side: intent.side,
      type: intent.orderType,
      price: intent.price ?? null,
      quantity: intent.quantity,
      reduceOnly: intent.reduceOnly ?? false,
    };
    if (source === 'strategy') {
      const violation = this.preTrade(bot, instrument, order, ZERO);
      if (violation) {
        this.deny(bot, intent, clientOrderId, 'risk', violation.rule, violation.message);
        return;
      }
    }
    const now = this.clock.now();
    bot.rate.record(now);
    const tickAt = this.tickAt.get(bot);
    if (tickAt !== undefined) {
      this.tickAt.delete(bot);
      if (source === 'strategy') this.options.observeTickToOrder?.((performance.now() - tickAt) / 1000, bot.exchange);
    }
    const state: OrderState = {
      clientOrderId,
      exchangeOrderId: null,
      instrumentId: intent.instrumentId,
      side: intent.side,
      type: intent.orderType,
      price: intent.price ?? null,
      quantity: intent.quantity,
      filledQuantity: ZERO,
      averageFillPrice: null,
      status: 'PENDING',
      fee: ZERO,
      feeCurrency: instrument.settleCurrency,
      createdAt: now,
      updatedAt: now,
    };
    const tracked = bot.tracker.add(state, source, order.reduceOnly);
    this.emitOrder(bot, tracked.state, source, order.reduceOnly);
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
    bot.execution.port.createOrder(request).then(
      (ack) => {
        this.onOrderState(bot, ack);
      },
      (error: unknown) => {
        this.onVenueRejection(bot, intent, clientOrderId, error);
      },
    );
  }

  private amendOrder(bot: BotRunner, intent: AmendOrderIntent): void {
    const tracked = bot.tracker.get(intent.clientOrderId);
    const instrument = this.venue(bot, intent.instrumentId).instruments.getInstrument(intent.instrumentId);
    if (bot.state !== 'RUNNING') {
      this.deny(bot, intent, intent.clientOrderId, 'engine', 'bot-not-running', `bot is ${bot.state}`);
      return;
    }
    if (!tracked || !instrument) {
      this.deny(
        bot,
        intent,
        intent.clientOrderId,
        'engine',
        'unknown-order',
        `no open order ${intent.clientOrderId}`,
      );
      return;
    }
    const current = tracked.state;
    const order: PreTradeOrder = {
      side: current.side,
      type: current.type,
      price: intent.price ?? current.price,
      quantity: intent.quantity ?? current.quantity,
      reduceOnly: tracked.reduceOnly,
    };
    // The order being amended is already counted in the open orders: leave its remaining quantity out.
    const remaining = current.quantity.sub(current.filledQuantity);
    const violation = this.preTrade(
      bot,
      instrument,
      { ...order, quantity: order.quantity.sub(current.filledQuantity) },
      current.side === 'BUY' ? remaining : remaining.neg(),
    );
    if (violation) {
      this.deny(bot, intent, intent.clientOrderId, 'risk', violation.rule, violation.message);
      return;
    }
    bot.rate.record(this.clock.now());
    const changes: { price?: Decimal; quantity?: Decimal } = {};
    if (intent.price !== undefined) changes.price = intent.price;
    if (intent.quantity !== undefined) changes.quantity = intent.quantity;
    bot.execution.port.amendOrder(intent.instrumentId, intent.clientOrderId, changes).then(
      (state) => {
        this.onOrderState(bot, state);
      },
      (error: unknown) => {
        this.deny(
          bot,
          intent,
          intent.clientOrderId,
          'venue',
          error instanceof OrderRejectedError ? error.code : 'amend-failed',
          errorMessage(error),
        );
      },
    );
  }

  private async cancelAll(bot: BotRunner, instrumentId?: InstrumentId): Promise<void> {
    try {
      if (bot.execution.exclusive) {
        await bot.execution.port.cancelAllOrders(instrumentId);
        return;
      }
      const open = bot.tracker.openOrders(instrumentId);
      await Promise.all(
        open.map((order) => bot.execution.port.cancelOrder(order.instrumentId, order.clientOrderId)),
      );
    } catch (error) {
      this.log(bot, 'error', `cancelling orders failed: ${errorMessage(error)}`);
    }
  }

  /** Closes every position with reduce-only market orders (risk stop with flattenOnStop). */
  private flatten(bot: BotRunner): void {
    for (const position of bot.ledger.positions()) {
      if (position.quantity.isZero()) continue;
      this.placeOrder(
        bot,
        {
          type: 'place-order',
          instrumentId: position.instrumentId,
          side: position.quantity.isPos() ? 'SELL' : 'BUY',
          orderType: 'MARKET',
          quantity: position.quantity.abs(),
          reduceOnly: true,
          tag: 'flatten on risk stop',
        },
        'risk_stop',
      );
    }
  }

  private deny(
    bot: BotRunner,
    intent: Intent,
    clientOrderId: string | null,
    source: 'risk' | 'venue' | 'engine',
    rule: string,
    message: string,
  ): void {
    const now = this.clock.now();
    if (intent.type === 'place-order') {
      this.emitter.emit('order-rejected', this.scope(bot), {
        clientOrderId: clientOrderId ?? 'none',
        instrumentId: intent.instrumentId,
        side: intent.side,
        price: intent.price === undefined ? null : intent.price.toFixed(),
        quantity: intent.quantity.toFixed(),
        source,
        rule: rule.slice(0, 64),
        message: message.slice(0, 500),
      });
    } else {
      this.log(bot, 'warn', `${intent.type} refused by ${source} rule ${rule}: ${message}`);
    }
    this.deliver(bot, { type: 'order-denied', intent, clientOrderId, source, rule, message, timestamp: now });
  }

  private onVenueRejection(
    bot: BotRunner,
    intent: PlaceOrderIntent,
    clientOrderId: string,
    error: unknown,
  ): void {
    const tracked = bot.tracker.get(clientOrderId);
    if (tracked?.state.status === 'REJECTED') return; // already reported through the execution stream
    const code = error instanceof OrderRejectedError ? error.code : 'create-failed';
    const message = errorMessage(error);
    if (tracked) {
      const updated = bot.tracker.update({
        ...tracked.state,
        status: 'REJECTED',
        reason: `${code}: ${message}`,
        updatedAt: this.clock.now(),
      });
      if (updated) this.emitOrder(bot, updated.state, updated.source, updated.reduceOnly);
    }
    this.deny(bot, intent, clientOrderId, 'venue', code, message);
  }

  // ---- execution events ----------------------------------------------------------------------------------------

  private onExecution(bot: BotRunner, event: ExecutionEvent): void {
    switch (event.type) {
      case 'order':
        this.onOrderState(bot, event.order);
        return;
      case 'fill':
        this.onFill(bot, event.fill);
        return;
      case 'position':
        if (bot.execution.exclusive) bot.venuePositions.set(event.position.instrumentId, event.position);
        return;
      case 'balance':
        // A shared live account's balances are nobody's in particular; the bot's own account's are the bot's.
        if (!bot.execution.exclusive && bot.execution.ownAccount !== true) return;
        bot.balances.set(event.balance.currency, event.balance);
        this.emitter.emit('balance-updated', this.scope(bot), {
          balance: {
            exchange: this.balanceExchange(bot, event.balance.currency),
            currency: event.balance.currency,
            total: event.balance.total.toFixed(),
            available: event.balance.available.toFixed(),
            frozen: event.balance.frozen.toFixed(),
            updatedAt: Math.trunc(this.clock.now()),
          },
        });
        return;
      case 'funding': {
        // A shared live account's settlements are nobody's in particular (as its balances).
        if (!bot.execution.exclusive && bot.execution.ownAccount !== true) return;
        const instrument = this.venue(bot, event.funding.instrumentId).instruments.getInstrument(event.funding.instrumentId);
        if (!instrument) return;
        if (!bot.ledger.applyFunding(instrument, event.funding.amount, event.funding.timestamp)) return;
        this.emitPosition(bot, instrument.id);
        this.afterFiguresChanged(bot, true);
        return;
      }
    }
  }

  private onOrderState(bot: BotRunner, order: OrderState): void {
    const before = bot.tracker.get(order.clientOrderId)?.state.status;
    const tracked = bot.tracker.update(order);
    if (!tracked) return;
    this.emitOrder(bot, tracked.state, tracked.source, tracked.reduceOnly);
    if (tracked.state.status === 'REJECTED' && before !== 'REJECTED') {
      const code = tracked.state.reason?.split(':')[0] ?? 'REJECTED';
      this.emitter.emit('order-rejected', this.scope(bot), {
        clientOrderId: tracked.state.clientOrderId,
        instrumentId: tracked.state.instrumentId,
        side: tracked.state.side,
        price: tracked.state.price === null ? null : tracked.state.price.toFixed(),
        quantity: tracked.state.quantity.toFixed(),
        source: 'venue',
        rule: code.slice(0, 64),
        message: (tracked.state.reason ?? 'rejected by the venue').slice(0, 500),
      });
      const intent: PlaceOrderIntent = {
        type: 'place-order',
        instrumentId: tracked.state.instrumentId,
        side: tracked.state.side,
        orderType: tracked.state.type,
        quantity: tracked.state.quantity,
        clientOrderId: tracked.state.clientOrderId,
      };
      if (tracked.state.price !== null) intent.price = tracked.state.price;
      this.deliver(bot, {
        type: 'order-denied',
        intent,
        clientOrderId: tracked.state.clientOrderId,
        source: 'venue',
        rule: code,
        message: tracked.state.reason ?? 'rejected',
        timestamp: this.clock.now(),
      });
      return;
    }
    this.deliver(bot, { type: 'order-update', order: tracked.state });
  }

  private onFill(bot: BotRunner, fill: FillReport): void {
    const known = bot.tracker.get(fill.clientOrderId) !== undefined;
    if (!known && !bot.execution.exclusive) return; // another bot's order on a shared account
    const instrument = this.venue(bot, fill.instrumentId).instruments.getInstrument(fill.instrumentId);
    if (!instrument) return;
    if (!known) {
      // A fill the bot never ordered on its own account: a liquidation (paper or venue).
      bot.tracker.add(
        {
          clientOrderId: fill.clientOrderId,
          exchangeOrderId: fill.exchangeOrderId,
          instrumentId: fill.instrumentId,
          side: fill.side,
          type: 'MARKET',
          price: null,
          quantity: fill.quantity,
          filledQuantity: ZERO,
          averageFillPrice: null,
          status: 'OPEN',
          reason: 'liquidation',
          fee: ZERO,
          feeCurrency: fill.feeCurrency,
          createdAt: fill.timestamp,
          updatedAt: fill.timestamp,
        },
        'risk_stop',
        true,
      );
    }
    const applied = bot.tracker.applyFill(fill);
    if (!applied) return; // duplicate fill id
    const realized = bot.ledger.applyFill(
      instrument,
      fill.side,
      fill.price,
      fill.quantity,
      fill.fee,
      fill.timestamp,
    );
    this.applyMarks(bot);
    const scope = this.scope(bot);
    this.emitter.emit('order-filled', scope, {
      fill: toWireFill(fill, this.wire(bot, instrument), realized, instrument),
      order: toWireOrder(applied.state, this.wire(bot, instrument), applied.source, instrument, {
        reduceOnly: applied.reduceOnly,
      }),
    });
    this.emitPosition(bot, instrument.id);
    this.deliver(bot, { type: 'fill', fill, order: applied.state });
    this.afterFiguresChanged(bot, true);
  }

  // ---- continuous and portfolio risk ---------------------------------------------------------------------------

  private afterFiguresChanged(bot: BotRunner, forcePnl: boolean): void {
    const now = this.clock.now();
    bot.lastRiskAt = now;
    const figures = bot.ledger.figures(now);
    if (forcePnl || now - bot.lastPnlAt >= this.pnlIntervalMs) {
      bot.lastPnlAt = now;
      this.emitter.emit('pnl-updated', this.scope(bot), { pnl: toWirePnl(figures, this.wire(bot), now) });
    }
    if (ACTIVE_STATES.has(bot.state) && bot.state !== 'STOPPING') {
      const liquidation = [];
      for (const [instrumentId, position] of bot.venuePositions) {
        const mark = this.marks.get(instrumentId) ?? position.markPrice;
        if (
          position.liquidationPrice === null ||
          mark === null ||
          bot.ledger.position(instrumentId).quantity.isZero()
        )
          continue;
        liquidation.push({ instrumentId, markPrice: mark, liquidationPrice: position.liquidationPrice });
      }
      const violation = firstContinuousViolation({ figures, limits: bot.limits, liquidation });
      if (violation) void this.riskStop(bot, violation, 'bot');
    }
    this.portfolio.update(bot.botId, {
      exchange: bot.exchange,
      exposureUsdc: this.portfolio.toUsdc(figures.currency, figures.exposure),
      dailyPnlUsdc: this.portfolio.toUsdc(figures.currency, figures.dailyPnl),
    });
    const limits = this.options.portfolioLimits;
    if (limits) {
      for (const breach of portfolioBreaches(this.portfolio.current(), limits)) {
        for (const affected of this.bots.values()) {
          if (!ACTIVE_STATES.has(affected.state) || affected.state === 'STOPPING') continue;
          if (breach.exchange !== null && affected.exchange !== breach.exchange) continue;
          void this.riskStop(affected, breach, breach.exchange === null ? 'portfolio' : 'exchange');
        }
      }
    }
  }

  /** Auto-stop: report the breach, RISK_STOPPED at once (no more intents), cancel orders, optionally flatten. */
  private async riskStop(
    bot: BotRunner,
    violation: RiskViolation,
    scope: 'bot' | 'portfolio' | 'exchange' | 'kill-switch',
  ): Promise<void> {
    if (!ACTIVE_STATES.has(bot.state)) return;
    this.emitter.emit('risk-breached', this.scope(bot), {
      rule: violation.rule.slice(0, 64),
      scope,
      limit: violation.limit,
      value: violation.value,
      action: 'risk-stop',
      message: violation.message.slice(0, 500),
    });
    bot.machine.transition('RISK_STOPPED', `${violation.rule}: ${violation.message}`);
    bot.queue.length = 0;
    bot.nextTimerAt = null;
    await this.cancelAll(bot);
    if (bot.limits.flattenOnStop) this.flatten(bot);
  }

  private fail(bot: BotRunner, error: unknown, what: string): void {
    const message = `${what}: ${errorMessage(error)}`;
    this.log(
      bot,
      'error',
      message,
      error instanceof Error && error.stack !== undefined ? { stack: error.stack.slice(0, 1500) } : undefined,
    );
    if (!bot.machine.tryTransition('ERROR', message)) return;
    bot.nextTimerAt = null;
    void this.cancelAll(bot);
  }

  // ---- event helpers -------------------------------------------------------------------------------------------

  /** The bot's venue, or with an instrument id the venue that id names (multi-venue bots: engines/multi-venue.ts). */
  private venue(bot: BotRunner, instrumentId?: InstrumentId): VenueBinding {
    return this.venueOf(bot.exchange, instrumentId);
  }

  /** The venue of a balance: the bot's, unless only an instrument of its other venue settles in that currency. */
  private balanceExchange(bot: BotRunner, currency: string): Exchange {
    let other: Exchange | null = null;
    for (const id of bot.instrumentIds) {
      const instrument = this.venue(bot, id).instruments.getInstrument(id);
      if (instrument?.settleCurrency !== currency) continue;
      if (instrument.exchange === bot.exchange) return bot.exchange;
      other = instrument.exchange;
    }
    return other ?? bot.exchange;
  }

  /** Its own exchange, or one its subscriptions name (it has an account there: createBot). */
  private tradesOn(bot: BotRunner, exchange: Exchange): boolean {
    return (
      exchange === bot.exchange ||
      (this.options.venues[exchange] !== undefined && bot.instrumentIds.some((id) => exchangeOf(id) === exchange))
    );
  }

  private venueOf(primary: Exchange, instrumentId?: InstrumentId): VenueBinding {
    const named = instrumentId === undefined ? undefined : this.options.venues[exchangeOf(instrumentId)];
    const venue = named ?? this.options.venues[primary];
    if (!venue) throw new Error(`no venue for ${primary}`);
    return venue;
  }

  private scope(bot: BotRunner): { botId: string; exchange: Exchange } {
    return { botId: bot.botId, exchange: bot.exchange };
  }

  /** With an instrument: the venue of that instrument (a multi-venue bot's hedge leg is on another exchange). */
  private wire(bot: BotRunner, instrument?: Instrument): WireScope {
    return { botId: bot.botId, exchange: instrument?.exchange ?? bot.exchange, mode: bot.mode };
  }

  private emitOrder(bot: BotRunner, state: OrderState, source: OrderSource, reduceOnly: boolean): void {
    const instrument = this.venue(bot, state.instrumentId).instruments.getInstrument(state.instrumentId);
    this.emitter.emit('order-updated', this.scope(bot), {
      order: toWireOrder(state, this.wire(bot, instrument), source, instrument, {
        reduceOnly,
        leverage: bot.leverage.get(state.instrumentId) ?? null,
      }),
    });
  }

  private emitPosition(bot: BotRunner, instrumentId: InstrumentId): void {
    const instrument = this.venue(bot, instrumentId).instruments.getInstrument(instrumentId);
    this.emitter.emit('position-updated', this.scope(bot), {
      position: toWirePosition(
        bot.ledger.position(instrumentId),
        this.wire(bot, instrument),
        instrument,
        bot.venuePositions.get(instrumentId),
        this.clock.now(),
      ),
    });
  }

  private log(bot: BotRunner, level: LogLevel, message: string, context?: Record<string, unknown>): void {
    const payload: { level: LogLevel; message: string; context?: Record<string, unknown> } = {
      level,
      message: message.slice(0, 2000),
    };
    if (context !== undefined) payload.context = context;
    this.emitter.emit('bot-log', this.scope(bot), payload);
  }
}

export type { BotState };
