/**
 * The real trading kernel (src/kernel.ts + TradingEngine) behind the EngineKernel contract the Redis bridge drives.
 * What it adds on top of the engine: the lease token as client order id run nonce, the order gate on every bot's
 * execution port, adoption and fail-closed pause/resume, lease-loss drop without venue traffic, manual orders,
 * config updates, the bot's exchangeConfig market keys merged into its strategy config, exchange status events, one
 * credentialed account per live bot (LiveAccounts), and the fail-closed freeze of paper bots.
 */
import { Decimal } from 'decimal.js';
import type { Redis } from 'ioredis';
import {
  validate,
  type BotCheckpoint,
  type BotSpec,
  type EngineEvent,
  type Exchange,
  type ExchangeStatus,
  type RiskLimits,
  type TradingSignal,
} from '@trading/shared-types';
import { EventEmitter, nullSink, type EventSink } from '../core/bus.js';
import { sanitizeIdPart } from '../core/ids.js';
import { createKernel, type Kernel, type VenueSources } from '../kernel.js';
import type { PaperVenueConfig } from '../paper/paper-venue.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { InstrumentId } from '../ports/instruments.js';
import type { ExecutionPort, FillReport, OrderState } from '../ports/execution.js';
import { defaultStrategies, type StrategyRegistry } from '../strategies/index.js';
import { mergeBotConfig } from '../strategies/strategy-kit.js';
import { toSignalEvent } from '../strategies/signal-event.js';
import type { TradingEngine } from '../engines/trading-engine.js';
import type { EngineKernel, KernelBot, ManualOrder, OrderGate } from './engine-kernel.js';
import { gatedExecution } from './gated-execution.js';
import type { LiveAccounts } from './live-accounts.js';
import { BotCheckpointer } from './bot-checkpointer.js';
import { RedisCheckpointStore, type BotCheckpointStore, type LoadedCheckpoint } from './checkpoint-store.js';
import type { KeySpace } from './redis-connection.js';

export interface RealKernelOptions {
  engineId: string;
  venues: Partial<Record<Exchange, VenueSources>>;
  clock?: Clock;
  strategies?: StrategyRegistry;
  paper?: Partial<PaperVenueConfig>;
  /** Bot timers fire from this wall-clock interval (ms). Default 100. */
  timerIntervalMs?: number;
  /** Sees every event before it goes to the sink (metrics). */
  observe?: (event: EngineEvent) => void;
  /** Opens live bots' credentials and connects their own adapters; absent: live bots are refused. */
  liveAccounts?: LiveAccounts;
  /** Tick-to-order latency in seconds (the service histogram). */
  observeTickToOrder?: (seconds: number) => void;
  /**
   * How far back an adoption reads a live bot's venue fills (ms, default 15 min): the fills of the dead run's
   * orders made while no engine watched the account, plus any the dead engine could not publish. Older fills were
   * reported by the run that saw them; re-reporting one is harmless (the CMS ingests fills by fill id).
   */
  adoptFillLookbackMs?: number;
}

export const DEFAULT_ADOPT_FILL_LOOKBACK_MS = 15 * 60_000;

const openGate: OrderGate = { canSendOrder: () => true };

export class RealKernel implements EngineKernel {
  private sink: EventSink = nullSink;
  private gate: OrderGate = openGate;
  private readonly fences = new Map<string, number>();
  /** The specs as the service sent them (the engine holds them with exchangeConfig merged into config). */
  private readonly specs = new Map<string, BotSpec>();
  private readonly kernel: Kernel;
  private readonly emitter: EventEmitter;
  private readonly stopTimers: () => void;
  private readonly strategies: StrategyRegistry;
  /** Paper bots paused by fail-closed with their orders frozen (resume thaws them instead of restarting). */
  private readonly frozen = new Set<string>();
  /** Every bot's books in Redis (active once the service gives it a store), restored by an adopter. */
  private readonly checkpoints: BotCheckpointer;

  constructor(private readonly options: RealKernelOptions) {
    const sink: EventSink = {
      publish: (event) => {
        options.observe?.(event);
        this.sink.publish(event);
        this.checkpoints.observe(event);
      },
    };
    const clock = options.clock ?? systemClock;
    this.strategies = options.strategies ?? defaultStrategies();
    // Live bots trade through their own account's execution port, looked up when the engine creates the bot.
    const venues: Partial<Record<Exchange, VenueSources>> = {};
    for (const [exchange, sources] of Object.entries(options.venues) as [Exchange, VenueSources][]) {
      venues[exchange] = {
        ...sources,
        liveExecutionFor: (spec) => options.liveAccounts?.get(spec.botId)?.execution ?? null,
      };
    }
    const kernelOptions: Parameters<typeof createKernel>[0] = {
      engineId: options.engineId,
      clock,
      sink,
      venues,
      strategies: this.strategies,
    };
    if (options.paper) kernelOptions.paper = options.paper;
    const observeTickToOrder = options.observeTickToOrder;
    if (observeTickToOrder)
      kernelOptions.observeTickToOrder = (seconds) => {
        observeTickToOrder(seconds);
      };
    this.kernel = createKernel(kernelOptions);
    this.emitter = new EventEmitter(options.engineId, clock, sink);
    this.checkpoints = new BotCheckpointer(
      options.engineId,
      {
        fence: (botId) => this.fences.get(botId) ?? null,
        ledger: (botId) => this.engine.ledgerCheckpoint(botId),
        paperAccounts: (botId) => this.kernel.paperCheckpoints(botId),
      },
      (botId, message) => {
        const spec = this.specs.get(botId);
        if (spec) this.log(spec, message, 'warn');
      },
    );
    this.stopTimers = this.kernel.startTimers(options.timerIntervalMs ?? 100);
  }

  get engine(): TradingEngine {
    return this.kernel.engine;
  }

  setEventSink(sink: EventSink): void {
    this.sink = sink;
  }

  setOrderGate(gate: OrderGate): void {
    this.gate = gate;
  }

  /** Bot checkpoints in this Redis from now on (the service calls it once its connections exist). */
  attachCheckpoints(redis: Redis, keys: KeySpace, leaseHolder: string): void {
    this.setCheckpointStore(
      new RedisCheckpointStore(redis, keys, {
        leaseHolder,
        // Twice the adoption's venue-fill lookback: a fill id is kept as long as an adopter can read the fill again.
        fillRetentionMs: 2 * (this.options.adoptFillLookbackMs ?? DEFAULT_ADOPT_FILL_LOOKBACK_MS),
      }),
    );
  }

  setCheckpointStore(store: BotCheckpointStore): void {
    this.checkpoints.setStore(store);
  }

  /** Every changed bot's checkpoint written now (tests). */
  flushCheckpoints(): Promise<void> {
    return this.checkpoints.flush();
  }

  /** A venue connection changed (main.ts forwards the adapters' status): reported as exchange-status-changed. */
  reportExchangeStatus(exchange: Exchange, status: ExchangeStatus, reason: string): void {
    this.emitter.emit(
      'exchange-status-changed',
      { botId: null, exchange },
      { status, reason: reason.slice(0, 500) },
    );
  }

  /** A validated external signal for every running bot whose strategy takes signals. Returns how many got it. */
  deliverSignal(signal: TradingSignal): number {
    return this.engine.deliverSignal(toSignalEvent(signal));
  }

  listBots(): KernelBot[] {
    const bots: KernelBot[] = [];
    for (const botId of this.engine.botIds()) {
      const spec = this.specs.get(botId);
      if (!spec) continue;
      bots.push({
        botId,
        exchange: spec.exchange,
        state: this.engine.bot(botId).state,
        fence: this.fences.get(botId) ?? 0,
        spec,
      });
    }
    return bots;
  }

  async startBot(spec: BotSpec, lease: { fence: number }): Promise<void> {
    await this.create(spec, lease.fence);
    this.checkpoints.track(spec.botId, [this.engine.bot(spec.botId).ids.runPrefix], true);
    await this.start(spec.botId, 'start command');
  }

  /**
   * The dead owner's books come back first (its Redis checkpoint: ledger, and a paper bot's accounts), then the
   * venue is reconciled: the dead run's open orders cancelled, and the fills of the checkpoint's lineage that the
   * checkpoint does not hold — made after its last write, or while no engine watched — booked and reported.
   */
  async adoptBot(spec: BotSpec, lease: { fence: number; resume: boolean; reason: string }): Promise<void> {
    const loaded = await this.loadCheckpoint(spec);
    await this.create(spec, lease.fence);
    const restored = loaded?.found === true && this.restoreBooks(spec, loaded.checkpoint) ? loaded : null;
    const lineage = restored?.checkpoint.runPrefixes ?? [];
    this.checkpoints.track(spec.botId, [...lineage, this.engine.bot(spec.botId).ids.runPrefix], restored === null);
    const book = restored
      ? (fill: FillReport) =>
          !restored.fillIds.has(fill.fillId) && lineage.some((prefix) => fill.clientOrderId.startsWith(prefix))
      : undefined;
    await this.reconcile(spec.botId, { recoverFills: true, ...(book ? { book } : {}) });
    await this.start(spec.botId, lease.reason);
    if (!lease.resume) await this.engine.pauseBot(spec.botId, `${lease.reason} (adopted paused)`);
  }

  private async loadCheckpoint(spec: BotSpec): Promise<LoadedCheckpoint | null> {
    const store = this.checkpoints.store;
    if (!store) return null;
    try {
      const loaded = await store.load(spec.botId);
      if (!loaded.found && loaded.problem !== null)
        this.log(spec, `checkpoint refused, the books start empty: ${loaded.problem}`, 'warn');
      return loaded;
    } catch (error) {
      this.log(spec, `checkpoint unreadable, the books start empty: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      return null;
    }
  }

  /** False (logged) when the checkpoint does not fit this bot: it then starts with empty books, as before. */
  private restoreBooks(spec: BotSpec, checkpoint: BotCheckpoint): boolean {
    try {
      this.kernel.restorePaper(spec.botId, checkpoint.paperAccounts ?? []);
      this.engine.restoreLedger(spec.botId, checkpoint.ledger);
    } catch (error) {
      this.log(spec, `checkpoint not restored, the books start empty: ${error instanceof Error ? error.message : String(error)}`, 'warn');
      return false;
    }
    const holdings = checkpoint.ledger.holdings.filter((holding) => holding.quantity !== '0').length;
    this.log(
      spec,
      `books restored from ${checkpoint.engineId}'s checkpoint (fence ${String(checkpoint.fence)}, ${String(checkpoint.ledger.tradeCount)} trades, ${String(holdings)} open positions)`,
    );
    return true;
  }

  async stopBot(botId: string, reason: string, flatten: boolean): Promise<void> {
    this.unfreezeAccount(botId);
    const bot = this.engine.bot(botId);
    if (flatten && (bot.state === 'RUNNING' || bot.state === 'PAUSED')) this.flatten(botId);
    await this.engine.stopBot(botId, reason);
    await this.engine.removeBot(botId);
    this.forget(botId);
  }

  async pauseBot(botId: string, reason: string): Promise<void> {
    const bot = this.engine.bot(botId);
    if (bot.state === 'PAUSED') return;
    await this.engine.pauseBot(botId, reason);
  }

  async resumeBot(botId: string, reason: string): Promise<void> {
    const bot = this.engine.bot(botId);
    if (bot.state === 'RUNNING') return;
    if (this.frozen.has(botId) && bot.state === 'PAUSED') {
      // A frozen paper bot continues where it stopped: its resting orders are still in the paper book.
      this.unfreezeAccount(botId);
      this.engine.thawBot(botId, reason);
      return;
    }
    this.unfreezeAccount(botId);
    await this.engine.resumeBot(botId, reason);
  }

  async updateBotConfig(
    botId: string,
    change: { config?: Record<string, unknown>; riskLimits?: RiskLimits },
  ): Promise<void> {
    const spec = this.need(botId);
    const update: { config?: Record<string, unknown>; riskLimits?: RiskLimits } = {};
    if (change.config) update.config = this.mergedConfig(spec.strategy, change.config, spec.exchangeConfig);
    if (change.riskLimits) update.riskLimits = change.riskLimits;
    this.engine.updateBot(botId, update);
    this.specs.set(botId, {
      ...spec,
      ...(change.config ? { config: change.config } : {}),
      ...(change.riskLimits ? { riskLimits: change.riskLimits } : {}),
    });
    return Promise.resolve();
  }

  async killSwitch(reason: string, flatten: boolean): Promise<void> {
    for (const botId of [...this.frozen]) this.unfreezeAccount(botId);
    if (flatten) for (const botId of this.engine.botIds()) this.flatten(botId);
    await this.engine.killSwitch(reason);
    for (const botId of this.engine.botIds()) {
      await this.engine.removeBot(botId);
      this.forget(botId);
    }
    // The CMS decides when bots start again: new start commands are accepted after the stop.
    this.engine.releaseKillSwitch();
  }

  async placeOrder(botId: string, order: ManualOrder): Promise<void> {
    const spec = this.need(botId);
    const instrumentId = order.instrumentId;
    if (!instrumentId.startsWith(`${spec.exchange}:`))
      throw new Error(`${instrumentId} is not an instrument of ${spec.exchange}`);
    if (!this.gate.canSendOrder(botId, this.fences.get(botId) ?? 0))
      throw new Error('order gate closed: engine is fail-closed or does not hold the bot lease');
    if (this.frozen.has(botId))
      throw new Error(`bot ${botId} is frozen since a Redis outage (paper orders kept): resume it first`);
    const request: Parameters<TradingEngine['placeManualOrder']>[1] = {
      clientOrderId: order.clientOrderId,
      instrumentId: instrumentId as InstrumentId,
      side: order.side,
      type: order.type,
      quantity: new Decimal(order.quantity),
    };
    if (order.price !== undefined) request.price = new Decimal(order.price);
    if (order.reduceOnly !== undefined) request.reduceOnly = order.reduceOnly;
    if (order.outcome !== undefined) request.outcome = order.outcome;
    // The bot's pre-trade risk checks apply; a violation throws ManualOrderRiskError ("risk rule <rule>: …"), which
    // the service returns as the command rejection.
    this.engine.placeManualOrder(botId, request);
    return Promise.resolve();
  }

  async cancelOrder(botId: string, clientOrderId: string): Promise<void> {
    this.need(botId);
    await this.engine.cancelBotOrder(botId, clientOrderId);
  }

  async abandonBot(botId: string, reason: string, options: { cancelLive?: boolean } = {}): Promise<void> {
    if (!this.specs.has(botId)) return;
    this.unfreezeAccount(botId);
    const bot = this.engine.bot(botId);
    const port = bot.execution.port;
    const live = !bot.execution.exclusive;
    const runPrefix = bot.ids.runPrefix;
    // The books as they are now, for the next owner (refused by the fence if the lease is already gone).
    const saved = this.checkpoints.release(botId);
    // No intent of the strategy after this point; the venue is told afterwards.
    this.engine.detachBot(botId, reason);
    if (live && options.cancelLive !== false) await this.cancelRunOrders(botId, port, runPrefix, reason);
    await saved;
    this.forget(botId);
  }

  /**
   * Cancels the open orders of one run (client order ids `<bot><run>o…`) at the venue: a lost lease must not leave
   * quotes trading when no engine adopts the bot, and a newer owner's orders (another run nonce) are not touched.
   */
  private async cancelRunOrders(botId: string, port: ExecutionPort, runPrefix: string, reason: string): Promise<void> {
    const spec = this.specs.get(botId);
    try {
      const open = await port.fetchOpenOrders();
      let cancelled = 0;
      for (const order of open) {
        if (!order.clientOrderId.startsWith(runPrefix)) continue;
        await port.cancelOrder(order.instrumentId, order.clientOrderId).then(
          () => (cancelled += 1),
          () => undefined, // already filled or gone: nothing to cancel
        );
      }
      if (spec) this.log(spec, `dropped (${reason}): cancelled ${String(cancelled)} open orders of this run at the venue`);
    } catch (error) {
      if (spec)
        this.log(spec, `dropped (${reason}): could not cancel the open orders at the venue (${error instanceof Error ? error.message : String(error)}); the next owner reconciles them`);
    }
  }

  /**
   * Live bots: paused, their orders cancelled at the venue (cancels pass the closed gate). Paper bots: frozen —
   * PAUSED without a stop to the strategy and without cancelling; their account leaves the paper matching, so the
   * resting orders stay in the paper book and cannot fill (orders still in flight are dropped), and resume thaws
   * them (no re-quote: the strategy continues with the orders it has).
   */
  async pauseAllForFailClosed(reason: string): Promise<void> {
    for (const botId of this.engine.botIds()) {
      const bot = this.engine.bot(botId);
      if (bot.state !== 'RUNNING') continue;
      if (bot.execution.exclusive && this.kernel.freezePaper(botId)) {
        this.engine.freezeBot(botId, reason);
        this.frozen.add(botId);
      } else {
        await this.engine.pauseBot(botId, reason);
      }
    }
  }

  async reconcileAndResume(botId: string, reason: string): Promise<void> {
    this.need(botId);
    if (!this.frozen.has(botId)) await this.reconcile(botId);
    await this.resumeBot(botId, reason);
  }

  /** Frozen paper bots (tests, health). */
  frozenBots(): string[] {
    return [...this.frozen];
  }

  setFence(botId: string, fence: number): void {
    if (this.fences.has(botId)) this.fences.set(botId, fence);
  }

  async close(): Promise<void> {
    this.stopTimers();
    this.checkpoints.close();
    this.sink = nullSink;
    for (const botId of this.engine.botIds()) {
      this.unfreezeAccount(botId);
      this.engine.detachBot(botId, 'engine closing');
      this.forget(botId);
    }
    this.kernel.close();
    await this.options.liveAccounts?.closeAll();
  }

  /**
   * Creates the bot in the engine; a live bot first gets its own connected account (credentials opened in memory).
   * Any failure (no key, undecryptable blob, login refused, invalid config) rejects the start and leaves nothing open.
   */
  private async create(spec: BotSpec, fence: number): Promise<void> {
    if (this.specs.has(spec.botId)) throw new Error(`bot ${spec.botId} already runs on this engine`);
    const venue = this.options.venues[spec.exchange];
    if (!venue) throw new Error(`no venue configured for ${spec.exchange}`);
    if (spec.mode === 'live') {
      const live = this.options.liveAccounts;
      if (!live) throw new Error(`live trading on ${spec.exchange} needs credentials this engine does not have`);
      await live.open(spec);
    }
    try {
      this.createInEngine(spec, fence);
    } catch (error) {
      if (spec.mode === 'live') await this.options.liveAccounts?.close(spec.botId);
      throw error;
    }
  }

  private createInEngine(spec: BotSpec, fence: number): void {
    const merged: BotSpec = { ...spec, config: this.mergedConfig(spec.strategy, spec.config, spec.exchangeConfig) };
    const botId = spec.botId;
    // Late-bound: the service sets the gate after the kernel was built.
    const gate: OrderGate = {
      canSendOrder: (id, token) => this.gate.canSendOrder(id, token),
      canStillSend: (id, token) =>
        this.gate.canStillSend ? this.gate.canStillSend(id, token) : this.gate.canSendOrder(id, token),
    };
    this.fences.set(botId, fence);
    try {
      this.engine.createBot(merged, {
        runNonce: fence.toString(36),
        wrapExecution: (execution) => ({
          ...execution,
          port: gatedExecution(execution.port, gate, botId, () => this.fences.get(botId) ?? fence),
        }),
      });
    } catch (error) {
      this.fences.delete(botId);
      throw error;
    }
    this.specs.set(botId, spec);
  }

  /**
   * The strategy config with the exchangeConfig market keys merged under it; when the strategy's schema does not
   * take those keys (e.g. simple-quoter knows only instrumentId) and the config is valid alone, the config alone.
   */
  private mergedConfig(
    strategyName: string,
    config: Record<string, unknown>,
    exchangeConfig: Record<string, unknown>,
  ): Record<string, unknown> {
    const merged = mergeBotConfig(config, exchangeConfig);
    const strategy = this.strategies.get(strategyName);
    if (!strategy || validate(strategy.configSchema, merged).ok) return merged;
    return validate(strategy.configSchema, config).ok ? config : merged;
  }

  /** Starts a created bot; a start that ends in ERROR drops it and fails the command. */
  private async start(botId: string, reason: string): Promise<void> {
    await this.engine.startBot(botId, reason);
    const state = this.engine.bot(botId).state;
    if (state === 'ERROR') {
      await this.engine.removeBot(botId);
      this.forget(botId);
      throw new Error(`bot ${botId} failed to start (see its log)`);
    }
  }

  /**
   * Reconciliation by client order id: a paper account lives in this process, so an adopted paper bot starts flat
   * with nothing open. A live account may hold the dead owner's orders: every open order whose client order id
   * carries this bot's prefix is cancelled (the strategy re-quotes under the new run nonce), and positions are
   * reported in the bot log (the engine reads them at start).
   */
  private async reconcile(
    botId: string,
    options: { recoverFills?: boolean; book?: (fill: FillReport) => boolean } = {},
  ): Promise<void> {
    const bot = this.engine.bot(botId);
    const spec = this.need(botId);
    if (bot.execution.exclusive) {
      this.log(spec, `reconciled: paper account, 0 open orders`);
      return;
    }
    const prefix = sanitizeIdPart(botId, 16);
    let cancelled = 0;
    // All of the account's open orders, not only the bot's instruments: a Polymarket quote may rest on the
    // complement token (market making bids NO at 1 − ask), which is not one of the bot's subscriptions.
    const open = await bot.execution.port.fetchOpenOrders();
    for (const order of open) {
      if (!order.clientOrderId.startsWith(prefix)) continue;
      await bot.execution.port.cancelOrder(order.instrumentId, order.clientOrderId);
      cancelled += 1;
    }
    // After the cancels (nothing fills any more): the dead run's fills nobody reported.
    const recovered = options.recoverFills
      ? await this.recoverFills(botId, prefix, options.book)
      : { reported: 0, booked: 0 };
    const positions = await bot.execution.port.fetchPositions();
    const held = positions.filter((position) => bot.instrumentIds.includes(position.instrumentId));
    this.log(
      spec,
      `reconciled by client order id: cancelled ${String(cancelled)} open orders of a previous run, ${String(held.length)} positions held` +
        (options.recoverFills
          ? `, ${String(recovered.reported)} venue fills of previous runs reported (${String(recovered.booked)} not in the checkpoint booked)`
          : ''),
    );
  }

  /**
   * Reads the venue fills of the bot's client order ids over the lookback and reports them (`order-filled`, fill id
   * = venue trade id, so those the dead run did report are dropped by the CMS as duplicates). Each filled order's
   * venue state goes with its fills.
   */
  private async recoverFills(
    botId: string,
    prefix: string,
    book: ((fill: FillReport) => boolean) | undefined,
  ): Promise<{ reported: number; booked: number }> {
    const port = this.engine.bot(botId).execution.port;
    if (!port.fetchFills) return { reported: 0, booked: 0 };
    const since = Date.now() - (this.options.adoptFillLookbackMs ?? DEFAULT_ADOPT_FILL_LOOKBACK_MS);
    const fills = await port.fetchFills({ since, clientOrderIdPrefix: prefix });
    const orders = new Map<string, OrderState>();
    for (const fill of fills) {
      if (orders.has(fill.clientOrderId)) continue;
      const state = await port.fetchOrderByClientId(fill.instrumentId, fill.clientOrderId).catch(() => null);
      if (state) orders.set(fill.clientOrderId, state);
    }
    return this.engine.reportRecoveredFills(botId, fills, orders, book);
  }

  /** Reduce-only market orders closing the bot's positions. */
  private flatten(botId: string): void {
    const bot = this.engine.bot(botId);
    for (const position of bot.ledger.positions()) {
      if (position.quantity.isZero()) continue;
      this.engine.placeManualOrder(
        botId,
        {
          clientOrderId: bot.ids.next(),
          instrumentId: position.instrumentId,
          side: position.quantity.isPos() ? 'SELL' : 'BUY',
          type: 'MARKET',
          quantity: position.quantity.abs(),
          reduceOnly: true,
        },
        { preTradeRisk: false },
      );
    }
  }

  private need(botId: string): BotSpec {
    const spec = this.specs.get(botId);
    if (!spec) throw new Error(`bot ${botId} is not on this engine`);
    return spec;
  }

  private forget(botId: string): void {
    this.checkpoints.forget(botId);
    this.specs.delete(botId);
    this.fences.delete(botId);
    this.frozen.delete(botId);
    void this.options.liveAccounts?.close(botId);
  }

  /** Puts a frozen paper account back into the matching (before any cancel, stop or resume touches it). */
  private unfreezeAccount(botId: string): void {
    if (!this.frozen.delete(botId)) return;
    const bot = this.engine.bot(botId);
    this.kernel.thawPaper(botId, bot.instrumentIds);
  }

  private log(spec: BotSpec, message: string, level: 'info' | 'warn' = 'info'): void {
    this.emitter.emit('bot-log', { botId: spec.botId, exchange: spec.exchange }, { level, message: message.slice(0, 2000) });
  }
}
