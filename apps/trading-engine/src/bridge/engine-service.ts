/**
 * The engine as a Redis service: wires the kernel to the registry (heartbeat + TTL), the command consumer, the event
 * publisher, bot leases with fencing, the failover reaper and the fail-closed controller. It is the bridge's
 * composition root; main.ts only loads config and handles signals.
 *
 * Fail-closed timeline: Redis lost (connection event or failed ping) → the order gate closes synchronously → the
 * kernel cancels live orders (paper: frozen) and pauses every bot with reason `redis-unavailable` → events buffer.
 * Redis back → re-register → re-validate every lease (lost ones are dropped) → the gate opens → bots stay paused
 * unless AUTO_RESUME_AFTER_REDIS, in which case each is reconciled and resumed.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  QUEUE_NAMES,
  REDIS_CHANNELS,
  type BotSpec,
  type BotState,
  type EngineCommand,
  type EngineEvent,
  type EngineInfo,
} from '@trading/shared-types';
import type { EngineConfig } from '../service/config.js';
import type { Logger } from '../service/logger.js';
import type { EngineMetrics } from '../service/metrics.js';
import { AssignmentStore, type Assignment } from './assignments.js';
import { CommandConsumer, type CommandOutcome } from './command-consumer.js';
import type { EngineKernel } from './engine-kernel.js';
import { EventPublisher } from './event-publisher.js';
import { LeaseManager } from './lease-manager.js';
import { Reaper } from './reaper.js';
import { createRedis, KeySpace, redisOptions } from './redis-connection.js';
import { RedisHealth } from './redis-health.js';
import { EngineRegistry } from './registry.js';

/** Commands never queue while disconnected, so start-up waits for the first connection explicitly. */
async function waitReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done(): void {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
    client.once('ready', done);
  });
}

export const FAIL_CLOSED_REASON = 'redis-unavailable';
/** How long a recovery waits for the fail-closed pause to finish before it resumes bots. */
const FAIL_CLOSED_PAUSE_WAIT_MS = 10_000;
const BOT_STATES: readonly BotState[] = [
  'IDLE',
  'STARTING',
  'RUNNING',
  'PAUSING',
  'PAUSED',
  'STOPPING',
  'STOPPED',
  'RISK_STOPPED',
  'ERROR',
];

export type ServiceConfig = Omit<
  EngineConfig,
  'host' | 'port' | 'logLevel' | 'endpoints' | 'encryptionKeys' | 'demoEncryptionKey' | 'kernel' | 'paperQueue' | 'okxFundingReadMs'
> & { version: string; httpPort?: number };

export class EngineService {
  readonly keys: KeySpace;
  /** Distinguishes two processes with the same ENGINE_ID in lease values. */
  readonly instanceId = randomBytes(4).toString('hex');
  /** Who holds this process's bot leases (and fences its checkpoints): the engine id plus this process's instance. */
  private readonly leaseHolder: string;
  private readonly redis: Redis;
  private readonly pub: Redis;
  private readonly bull: Redis;
  /** Subscriber for the CMS's kill-switch broadcast (a subscribed connection can do nothing else). */
  private readonly sub: Redis;
  private readonly health: RedisHealth;
  private readonly registry: EngineRegistry;
  private readonly leases: LeaseManager;
  private readonly assignments: AssignmentStore;
  private readonly publisher: EventPublisher;
  private readonly eventsQueue: Queue;
  private readonly consumer: CommandConsumer;
  private readonly reaper: Reaper;
  private readonly startedAt = Date.now();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private tradingAllowed = false;
  private recovering = false;
  /** The fail-closed pause of every bot, while it runs (live cancels take venue round trips). */
  private failClosedPause: Promise<void> = Promise.resolve();
  private failClosedSince: number | null = null;
  private recoveredAt: number | null = null;
  private pausedByFailClosed = new Set<string>();
  private status: 'online' | 'draining' | 'offline' = 'online';
  /** Bots of starts and adoptions past the capacity check and not finished: they count against the capacity too. */
  private readonly starting = new Set<string>();
  private stopped = false;

  constructor(
    readonly config: ServiceConfig,
    readonly kernel: EngineKernel,
    private readonly log: Logger,
    private readonly metrics: EngineMetrics,
  ) {
    this.keys = new KeySpace(config.redisPrefix);
    this.leaseHolder = `${config.engineId}#${this.instanceId}`;
    this.redis = createRedis(config);
    this.pub = createRedis(config);
    this.bull = new Redis(redisOptions(config, { maxRetriesPerRequest: null }));
    this.sub = new Redis(redisOptions(config));
    for (const client of [this.pub, this.bull, this.sub]) client.on('error', () => undefined); // health reports on this.redis
    this.health = new RedisHealth(this.redis, config.redisPingMs, config.redisPingFailures ?? 2);
    this.registry = new EngineRegistry(this.redis, this.keys, config.engineTtlMs);
    this.assignments = new AssignmentStore(this.redis, this.keys);
    this.leases = new LeaseManager(
      this.redis,
      this.keys,
      this.leaseHolder,
      config.leaseTtlMs,
      (botId, reason) => {
        void this.onLeaseLost(botId, reason);
      },
    );
    this.eventsQueue = new Queue(QUEUE_NAMES.engineEvents, {
      connection: this.pub,
      prefix: this.keys.bullPrefix,
      defaultJobOptions: {
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: { age: 3600, count: 50_000 },
        removeOnFail: { age: 7 * 86_400 },
      },
    });
    this.publisher = new EventPublisher({
      engineId: config.engineId,
      redis: this.pub,
      queue: this.eventsQueue,
      keys: this.keys,
      bufferMax: config.eventBufferMax,
      ...(config.eventReplayWindowMs !== undefined ? { replayWindowMs: config.eventReplayWindowMs } : {}),
      ...(config.eventReplayMax !== undefined ? { replayMax: config.eventReplayMax } : {}),
      metrics,
      log,
      isRedisUp: () => this.health.up,
    });
    this.consumer = new CommandConsumer({
      engineId: config.engineId,
      redis: this.redis,
      connection: this.bull,
      keys: this.keys,
      execute: (command) => this.execute(command),
      emit: (event) => {
        this.publisher.publish(event);
      },
      concurrency: config.commandConcurrency ?? 1,
      ...(config.commandGapTimeoutMs !== undefined ? { gapTimeoutMs: config.commandGapTimeoutMs } : {}),
      metrics,
      log,
    });
    this.reaper = new Reaper({
      engineId: config.engineId,
      redis: this.redis,
      keys: this.keys,
      registry: this.registry,
      assignments: this.assignments,
      leases: this.leases,
      engineTtlMs: config.engineTtlMs,
      runsBot: (botId) => this.kernel.listBots().some((bot) => bot.botId === botId),
      log,
      ...(config.reaperFullSweepMs !== undefined ? { fullSweepMs: config.reaperFullSweepMs } : {}),
    });
    kernel.setEventSink(this.publisher);
    kernel.attachCheckpoints?.(this.redis, this.keys, this.leaseHolder);
    const gateOpen = (botId: string, fence: number): boolean => {
      if (!this.tradingAllowed || !this.health.up) {
        metrics.ordersBlocked.inc({ reason: FAIL_CLOSED_REASON });
        return false;
      }
      if (!this.leases.canTrade(botId, fence)) {
        metrics.ordersBlocked.inc({ reason: 'lease' });
        return false;
      }
      return true;
    };
    kernel.setOrderGate({
      canSendOrder: (botId, fence) => {
        if (!gateOpen(botId, fence)) return false;
        metrics.ordersOut.inc({
          exchange: kernel.listBots().find((bot) => bot.botId === botId)?.exchange ?? 'unknown',
        });
        return true;
      },
      // Right before the send: blocked orders are counted, passing ones were counted when handed over.
      canStillSend: gateOpen,
    });
  }

  get engineId(): string {
    return this.config.engineId;
  }

  get redisUp(): boolean {
    return this.health.up;
  }

  get canTrade(): boolean {
    return this.tradingAllowed && this.health.up;
  }

  /** When trading was last allowed again after a Redis outage (null: never fail-closed). */
  get lastRecoveredAt(): number | null {
    return this.recoveredAt;
  }

  get events(): EventPublisher {
    return this.publisher;
  }

  async start(): Promise<void> {
    await Promise.all([this.redis, this.pub].map((client) => waitReady(client, 5000)));
    if (!(await this.health.probe()))
      throw new Error(
        `Redis does not answer at start (${this.config.sentinel ? 'sentinel' : this.config.redisUrl})`,
      );
    await this.publisher.init();
    await this.registry.write(this.info());
    this.emitEngine('engine-registered');
    this.health.onChange((up, reason) => {
      this.onHealth(up, reason);
    });
    this.health.start();
    this.leases.start();
    this.consumer.start();
    await this.listenForKillSwitch();
    this.tradingAllowed = true;
    this.metrics.redisUp.set(1);
    this.heartbeatTimer = setInterval(() => {
      void this.heartbeat();
    }, this.config.heartbeatMs);
    this.log.info(
      { engineId: this.engineId, exchanges: this.config.supportedExchanges, capacity: this.config.capacity },
      'engine registered',
    );
  }

  info(): EngineInfo {
    const bots = this.kernel.listBots();
    const memory = process.memoryUsage();
    return {
      engineId: this.engineId,
      host: hostname(),
      ...(this.config.httpPort !== undefined ? { port: this.config.httpPort } : {}),
      version: this.config.version,
      supportedExchanges: this.config.supportedExchanges,
      capacity: this.config.capacity,
      load: bots.length,
      status: this.status,
      botIds: bots.map((bot) => bot.botId),
      startedAt: this.startedAt,
      heartbeatAt: Date.now(),
      metrics: {
        rssMb: Math.round(memory.rss / 1_048_576),
        uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      },
    };
  }

  healthReport(): { status: 'ok' | 'degraded'; [key: string]: unknown } {
    return {
      status: this.canTrade ? 'ok' : 'degraded',
      engineId: this.engineId,
      redis: this.health.up ? 'up' : 'down',
      failClosedSince: this.failClosedSince,
      engineStatus: this.status,
      bots: this.kernel.listBots().length,
      leases: this.leases.size,
      bufferedEvents: this.publisher.buffered,
    };
  }

  /** Graceful stop: hand bots to other engines when any can take them, leave the registry, say goodbye. */
  async stop(reason = 'shutdown'): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.consumer.close().catch(() => undefined);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.health.up) {
      await this.drain().catch((error: unknown) => {
        this.log.warn({ error: String(error) }, 'drain on stop failed');
      });
      this.status = 'offline';
      this.emitEngine('engine-stopped', reason);
      await this.publisher.drained(3000);
      await this.registry.remove(this.engineId).catch(() => undefined);
    }
    await this.teardown();
  }

  /** Tests: die like a SIGKILLed process (no drain, no goodbye, connections cut). */
  async crash(): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.health.stop();
    this.leases.stop();
    this.tradingAllowed = false;
    for (const client of [this.redis, this.pub, this.bull, this.sub]) client.disconnect();
    await this.kernel.close();
    await this.consumer.close().catch(() => undefined);
  }

  private async teardown(): Promise<void> {
    this.health.stop();
    this.leases.stop();
    this.publisher.close();
    await this.kernel.close();
    await this.reaper.close().catch(() => undefined);
    await this.eventsQueue.close().catch(() => undefined);
    for (const client of [this.redis, this.pub, this.bull, this.sub]) client.disconnect();
  }

  private emitEngine(
    type: 'engine-registered' | 'engine-heartbeat' | 'engine-stopped',
    reason?: string,
  ): void {
    const base = {
      eventId: 'pending',
      engineId: this.engineId,
      exchange: null,
      botId: null,
      timestamp: Date.now(),
      seq: 0,
    };
    const event: EngineEvent =
      type === 'engine-stopped'
        ? { ...base, type, payload: { reason: (reason ?? 'stopped').slice(0, 500) } }
        : { ...base, type, payload: { engine: this.info() } };
    this.publisher.publish(event);
  }

  private async heartbeat(): Promise<void> {
    const counts = new Map<BotState, number>(BOT_STATES.map((state) => [state, 0]));
    for (const bot of this.kernel.listBots()) counts.set(bot.state, (counts.get(bot.state) ?? 0) + 1);
    for (const [state, count] of counts) this.metrics.botsByState.set({ state }, count);
    this.metrics.leasesHeld.set(this.leases.size);
    if (!this.health.up || this.recovering || this.stopped) return;
    try {
      await this.registry.write(this.info());
      this.emitEngine('engine-heartbeat');
      const moved = await this.reaper.sweep();
      for (const move of moved) this.log.info(move, 'reaper handed a bot over');
    } catch (error) {
      this.log.warn({ error: error instanceof Error ? error.message : String(error) }, 'heartbeat failed');
    }
  }

  // ---- fail-closed -------------------------------------------------------------------------------------------

  private onHealth(up: boolean, reason: string): void {
    this.metrics.redisUp.set(up ? 1 : 0);
    this.metrics.redisTransitions.inc({ to: up ? 'up' : 'down' });
    if (!up) {
      // Synchronous first: no order may pass the gate from here on.
      this.tradingAllowed = false;
      this.leases.suspend();
      this.failClosedSince = Date.now();
      this.log.error({ reason }, 'Redis unreachable: fail-closed, no new orders, pausing every bot');
      for (const bot of this.kernel.listBots())
        if (bot.state === 'RUNNING' || bot.state === 'STARTING') this.pausedByFailClosed.add(bot.botId);
      this.failClosedPause = this.kernel.pauseAllForFailClosed(FAIL_CLOSED_REASON).catch((error: unknown) => {
        this.log.error({ error: String(error) }, 'fail-closed pause failed');
      });
      return;
    }
    if (this.stopped) return;
    // Jobs Redis acknowledged just before it died may be gone (AOF everysec loses up to ~1 s; no persistence loses
    // the queue): the replay window goes back into the persist lane now — synchronously, before anything is flushed
    // to the Redis that answers again (re-registering publishes too) — so it keeps its place ahead of the events
    // buffered during the outage and the queue stays in seq order.
    const replayed = this.publisher.replayRecent();
    this.log.warn({ reason, replayed }, 'Redis reachable again: replaying recent events, re-registering and re-validating leases');
    void this.recover();
  }

  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    try {
      // Every engine's registry entry may have expired during the outage: judge none dead before they all had one
      // TTL to register again.
      this.reaper.holdHandOvers(Date.now() + this.config.engineTtlMs);
      await this.registry.write(this.info());
      this.emitEngine('engine-registered');
      const { kept, reacquired, lost } = await this.leases.revalidate();
      // Renew from now on: the leases just revalidated expire one TTL after their acquisition, and what follows
      // (assignment writes, on a loaded machine) can take longer than that. The order gate stays closed meanwhile.
      if (this.health.up) this.leases.unsuspend();
      // The lost bots are another engine's now; revalidate() already forgot their leases, so the gate refuses
      // their orders. Dropping one cancels its live orders at the venue, which can take seconds (or longer, at a
      // venue that stopped answering): done in the background, so the engine's recovery never waits for a venue.
      for (const botId of lost)
        void this.dropBot(botId, 'lease taken by another engine during the Redis outage');
      for (const { botId, fence } of reacquired) {
        this.kernel.setFence(botId, fence);
        await this.updateAssignment(botId, (assignment) => ({ ...assignment, fence }));
      }
      if (!this.health.up) return; // lost again meanwhile: the next "up" retries
      this.leases.unsuspend();
      this.recoveredAt = Date.now();
      this.tradingAllowed = true;
      this.failClosedSince = null;
      this.publisher.kick();
      const resumable = [...this.pausedByFailClosed].filter((botId) => this.leases.fenceOf(botId) !== null);
      this.pausedByFailClosed = new Set();
      this.log.info(
        {
          kept: kept.length,
          reacquired: reacquired.length,
          lost: lost.length,
          autoResume: this.config.autoResumeAfterRedis,
        },
        'recovered from Redis outage',
      );
      if (this.config.autoResumeAfterRedis) {
        // A short outage can end while the pause is still cancelling live orders: resuming a bot that is still
        // PAUSING fails and leaves it PAUSED for good (seen in the soak). Let the pause finish first (bounded).
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.failClosedPause, new Promise((resolve) => (timer = setTimeout(resolve, FAIL_CLOSED_PAUSE_WAIT_MS)))]);
        clearTimeout(timer);
        for (const botId of resumable) {
          // Lost during the wait (its lease taken, the bot dropped): the engine that runs it now decides.
          if (this.leases.fenceOf(botId) === null) continue;
          await this.kernel.reconcileAndResume(botId, 'redis restored').catch((error: unknown) => {
            this.log.warn({ botId, error: String(error) }, 'resume after Redis outage failed');
          });
        }
      } else {
        for (const botId of resumable)
          await this.updateAssignment(botId, (assignment) => ({ ...assignment, desired: 'paused' }));
      }
    } catch (error) {
      this.log.warn(
        { error: error instanceof Error ? error.message : String(error) },
        'recovery failed; retrying on next ping',
      );
      setTimeout(() => {
        if (this.health.up && !this.tradingAllowed && !this.stopped) void this.recover();
      }, this.config.redisPingMs);
    } finally {
      this.recovering = false;
    }
  }

  private async onLeaseLost(botId: string, reason: string): Promise<void> {
    this.metrics.leasesLost.inc();
    this.log.error({ botId, reason }, 'bot lease lost: stopped trading the bot');
    await this.dropBot(botId, reason);
    // Expired rather than taken (a stall, a Redis outage): the assignment still names this engine.
    this.reaper.recheckSoon(botId, `lease lost: ${reason}`);
  }

  private async dropBot(botId: string, reason: string): Promise<void> {
    this.leases.forget(botId);
    this.pausedByFailClosed.delete(botId);
    await this.kernel.abandonBot(botId, reason).catch((error: unknown) => {
      this.log.warn({ botId, error: String(error) }, 'abandon failed');
    });
  }

  private async updateAssignment(
    botId: string,
    change: (assignment: Assignment) => Assignment,
  ): Promise<void> {
    const current = await this.assignments.get(botId);
    if (current?.engineId !== this.engineId) return;
    await this.assignments.put({ ...change(current), updatedAt: Date.now() });
  }

  // ---- commands ----------------------------------------------------------------------------------------------

  private async execute(command: EngineCommand): Promise<CommandOutcome> {
    const needBot = (): string => {
      if (command.botId === null) throw new Error(`botId: is required for ${command.type}`);
      return command.botId;
    };
    const tradingOnly = (): void => {
      if (!this.canTrade) throw new Error(`${FAIL_CLOSED_REASON}: engine is fail-closed`);
    };
    switch (command.type) {
      case 'start-bot':
        return this.startBot(command.payload.bot, command.botId, command.issuedBy ?? null);
      case 'stop-bot': {
        const botId = needBot();
        if (!this.kernel.listBots().some((bot) => bot.botId === botId)) return this.stopElsewhere(botId);
        await this.kernel.stopBot(
          botId,
          command.payload.reason ?? 'stop command',
          command.payload.flatten ?? false,
        );
        await this.leases.release(botId);
        await this.assignments.remove(botId);
        return { accepted: true };
      }
      case 'pause-bot': {
        const botId = needBot();
        await this.kernel.pauseBot(botId, 'pause command');
        await this.updateAssignment(botId, (assignment) => ({ ...assignment, desired: 'paused' }));
        return { accepted: true };
      }
      case 'resume-bot': {
        const botId = needBot();
        tradingOnly();
        await this.kernel.resumeBot(botId, 'resume command');
        this.pausedByFailClosed.delete(botId);
        await this.updateAssignment(botId, (assignment) => ({ ...assignment, desired: 'running' }));
        return { accepted: true };
      }
      case 'update-bot-config': {
        const botId = needBot();
        await this.kernel.updateBotConfig(botId, {
          ...(command.payload.config ? { config: command.payload.config } : {}),
          ...(command.payload.riskLimits ? { riskLimits: command.payload.riskLimits } : {}),
        });
        await this.updateAssignment(botId, (assignment) => ({
          ...assignment,
          spec: {
            ...assignment.spec,
            ...(command.payload.config ? { config: command.payload.config } : {}),
            ...(command.payload.riskLimits ? { riskLimits: command.payload.riskLimits } : {}),
          },
        }));
        return { accepted: true };
      }
      case 'kill-switch':
        await this.killAll(command.payload.reason, command.payload.flatten ?? false);
        return { accepted: true };
      case 'place-order': {
        const botId = needBot();
        tradingOnly();
        await this.kernel.placeOrder(botId, command.payload);
        return { accepted: true };
      }
      case 'cancel-order':
        await this.kernel.cancelOrder(needBot(), command.payload.clientOrderId);
        return { accepted: true };
      case 'drain-engine':
        await this.drain();
        return { accepted: true };
    }
  }

  private async startBot(
    spec: BotSpec,
    commandBotId: string | null,
    issuedBy: string | null,
  ): Promise<CommandOutcome> {
    const exchange = spec.exchange;
    if (commandBotId !== null && commandBotId !== spec.botId)
      return {
        accepted: false,
        exchange,
        reason: `botId: ${commandBotId} differs from payload.bot.botId ${spec.botId}`,
      };
    if (this.kernel.listBots().some((bot) => bot.botId === spec.botId))
      return { accepted: true, exchange, reason: 'already running on this engine' };
    if (this.status !== 'online') return { accepted: false, exchange, reason: `engine is ${this.status}` };
    if (!this.config.supportedExchanges.includes(exchange))
      return {
        accepted: false,
        exchange,
        reason: `payload.bot.exchange: ${exchange} is not supported by this engine (${this.config.supportedExchanges.join(',')})`,
      };
    if (this.config.capacity > 0 && this.botsHeld() >= this.config.capacity)
      return {
        accepted: false,
        exchange,
        reason: `engine is full (capacity ${String(this.config.capacity)})`,
      };
    this.starting.add(spec.botId);
    try {
      return await this.startAssigned(spec, issuedBy);
    } finally {
      this.starting.delete(spec.botId);
    }
  }

  /** Bots run plus bots being started: commands of different bots run side by side, so a start in flight counts. */
  private botsHeld(): number {
    const running = new Set(this.kernel.listBots().map((bot) => bot.botId));
    return running.size + [...this.starting].filter((botId) => !running.has(botId)).length;
  }

  /** The start or adoption itself, once the engine has room: lease, assignment, then the kernel. */
  private async startAssigned(spec: BotSpec, issuedBy: string | null): Promise<CommandOutcome> {
    const exchange = spec.exchange;
    if (!this.canTrade)
      return { accepted: false, exchange, reason: `${FAIL_CLOSED_REASON}: engine is fail-closed` };
    const previous = await this.assignments.get(spec.botId);
    if (previous && previous.engineId !== this.engineId) {
      return { accepted: false, exchange, reason: `bot is assigned to engine ${previous.engineId}` };
    }
    const lease = await this.leases.acquire(spec.botId, (previous?.fence ?? 0) + 1);
    if (!lease.ok) return { accepted: false, exchange, reason: `bot lease is held by ${lease.holder}` };
    const desired = previous?.desired ?? 'running';
    try {
      // Persist the assignment before the bot trades: if we die right after, a survivor can adopt it.
      await this.assignments.put({
        botId: spec.botId,
        engineId: this.engineId,
        fence: lease.fence,
        desired,
        spec,
        updatedAt: Date.now(),
      });
      if (previous) {
        const from =
          issuedBy?.startsWith('reaper:') === true ? `adopted after failover (${issuedBy})` : 'adopted';
        await this.kernel.adoptBot(spec, { fence: lease.fence, resume: desired === 'running', reason: from });
        this.metrics.adoptions.inc({ outcome: 'ok' });
        this.reaper.runsAgain(spec.botId);
      } else {
        await this.kernel.startBot(spec, { fence: lease.fence });
      }
    } catch (error) {
      await this.leases.release(spec.botId).catch(() => undefined);
      if (previous) {
        this.metrics.adoptions.inc({ outcome: 'failed' });
        this.reaper.recheckSoon(spec.botId, `adoption failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      throw error;
    }
    return { accepted: true, exchange };
  }

  /**
   * A stop for a bot this engine does not run. Left alone, its assignment would let a reaper adopt it again after the
   * user stopped it (a bot lost in a failover, a stop routed to the engine the CMS last saw). If the assignment names
   * this engine or an engine that is gone, the stop wins: the assignment goes, so nobody adopts the bot. If another
   * live engine runs it, that engine must take the stop: refused, naming it.
   */
  private async stopElsewhere(botId: string): Promise<CommandOutcome> {
    const assignment = await this.assignments.get(botId);
    if (assignment === null) return { accepted: true, reason: 'not running on any engine' };
    if (assignment.engineId !== this.engineId) {
      const { live } = await this.registry.read(Date.now());
      if (live.some((engine) => engine.info.engineId === assignment.engineId))
        return { accepted: false, reason: `bot runs on engine ${assignment.engineId}` };
    }
    if (!(await this.assignments.removeIf(botId, assignment.engineId, assignment.fence)))
      return { accepted: false, reason: 'bot is being handed to another engine: stop it there' };
    this.reaper.runsAgain(botId);
    return { accepted: true, reason: `not running (assigned to ${assignment.engineId}); assignment removed, nobody adopts it` };
  }

  /** Kill switch (command or broadcast): every bot stopped, leases released, assignments removed. */
  private async killAll(reason: string, flatten: boolean): Promise<void> {
    const botIds = this.kernel.listBots().map((bot) => bot.botId);
    await this.kernel.killSwitch(reason, flatten);
    for (const botId of botIds) {
      await this.leases.release(botId);
      await this.assignments.remove(botId);
    }
  }

  /** `cms:kill-switch` broadcast: `{ reason, issuedAt, issuedBy }`; any malformed message still stops everything. */
  private async listenForKillSwitch(): Promise<void> {
    const channel = this.keys.key(REDIS_CHANNELS.killSwitch);
    this.sub.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      let reason = 'kill switch broadcast';
      try {
        const parsed = JSON.parse(message) as { reason?: unknown };
        if (typeof parsed.reason === 'string' && parsed.reason !== '')
          reason = `kill switch broadcast: ${parsed.reason}`.slice(0, 500);
      } catch {
        // A kill switch is never ignored because its body is bad.
      }
      this.log.error({ reason }, 'kill switch broadcast received: stopping every bot');
      this.killAll(reason, false).catch((error: unknown) => {
        this.log.error({ error: String(error) }, 'kill switch failed');
      });
    });
    await waitReady(this.sub, 5000);
    await this.sub.subscribe(channel);
  }

  /** Stop taking bots and hand every running bot to another engine (pause, drop, release lease, reassign). */
  async drain(): Promise<void> {
    this.status = 'draining';
    await this.registry.write(this.info()).catch(() => undefined);
    const { live } = await this.registry.read();
    const others = live.filter((engine) => engine.info.engineId !== this.engineId);
    const extraLoad = new Map<string, number>();
    for (const bot of this.kernel.listBots()) {
      const assignment = await this.assignments.get(bot.botId);
      await this.kernel.pauseBot(bot.botId, 'engine draining').catch(() => undefined);
      await this.kernel.abandonBot(bot.botId, 'handed over: engine draining');
      await this.leases.release(bot.botId);
      if (!assignment) continue;
      // Keep `desired` as it was before the drain pause, so the new owner resumes a running bot.
      const to = await this.reaper.handOver(
        { ...assignment, updatedAt: 0 },
        others,
        extraLoad,
        'drain',
        this.engineId,
      );
      if (to === null)
        this.log.warn({ botId: bot.botId }, 'drain: no engine took the bot; the reaper will place it later');
    }
  }
}
