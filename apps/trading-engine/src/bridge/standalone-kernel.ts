/**
 * A small stand-in kernel for the engine service until src/kernel.ts lands: paper bots that each place one limit
 * order per `config.orderIntervalMs` (default 250 ms) and fill the previous one, with client order ids from the
 * engine's ClientOrderIdGenerator seeded by the lease's fencing token (so a new owner never reuses an id). It
 * implements the whole EngineKernel contract — state machine, order gate on every order, fail-closed pause with
 * paper orders frozen, adoption — so the Redis side can be exercised end to end. No market data, no risk: it is
 * NOT the trading engine, and main.ts says so in its start-up log.
 */
import { Decimal } from 'decimal.js';
import type { BotSpec, BotState, Order, OrderSide, RiskLimits } from '@trading/shared-types';
import { BotStateMachine } from '../bots/bot-state-machine.js';
import { EventEmitter, nullSink, type EventSink } from '../core/bus.js';
import { ClientOrderIdGenerator } from '../core/ids.js';
import { systemClock } from '../ports/clock.js';
import type { EngineKernel, KernelBot, ManualOrder, OrderGate } from './engine-kernel.js';

/** Where paper orders "go": tests and benchmarks watch it to check what left the engine and when. */
export interface PaperOrderLog {
  sent(order: { clientOrderId: string; botId: string; fence: number; at: number }): void;
}

interface Bot {
  spec: BotSpec;
  fence: number;
  ids: ClientOrderIdGenerator;
  machine: BotStateMachine;
  timer: NodeJS.Timeout | null;
  open: Order[];
  frozen: boolean;
}

const openGate: OrderGate = { canSendOrder: () => true };

export class StandaloneKernel implements EngineKernel {
  private readonly bots = new Map<string, Bot>();
  private sink: EventSink = nullSink;
  private gate: OrderGate = openGate;
  private readonly emitter: EventEmitter;

  constructor(
    engineId: string,
    private readonly orderLog: PaperOrderLog = { sent: () => undefined },
    private readonly onBlocked: (botId: string) => void = () => undefined,
  ) {
    this.emitter = new EventEmitter(engineId, systemClock, {
      publish: (event) => {
        this.sink.publish(event);
      },
    });
  }

  setEventSink(sink: EventSink): void {
    this.sink = sink;
  }

  setOrderGate(gate: OrderGate): void {
    this.gate = gate;
  }

  listBots(): KernelBot[] {
    return [...this.bots.values()].map((bot) => ({
      botId: bot.spec.botId,
      exchange: bot.spec.exchange,
      state: bot.machine.state,
      fence: bot.fence,
      spec: bot.spec,
    }));
  }

  async startBot(spec: BotSpec, lease: { fence: number }): Promise<void> {
    const bot = this.create(spec, lease.fence);
    bot.machine.transition('STARTING', 'start command');
    bot.machine.transition('RUNNING', 'started');
    this.arm(bot);
    return Promise.resolve();
  }

  async adoptBot(spec: BotSpec, lease: { fence: number; resume: boolean; reason: string }): Promise<void> {
    const bot = this.create(spec, lease.fence);
    bot.machine.transition('STARTING', lease.reason);
    // Reconcile by client order id: the paper venue of the dead engine died with it, so there is nothing open to
    // find; a live kernel queries the venue's open orders and positions here before going on.
    this.log(bot, 'info', `adopted (fence ${String(lease.fence)}): reconciled 0 open orders`);
    if (lease.resume) {
      bot.machine.transition('RUNNING', 'adopted and reconciled');
      this.arm(bot);
    } else {
      bot.machine.transition('RUNNING', 'adopted and reconciled');
      bot.machine.transition('PAUSING', 'adopted paused');
      bot.machine.transition('PAUSED', 'adopted paused');
    }
    return Promise.resolve();
  }

  async stopBot(botId: string, reason: string): Promise<void> {
    const bot = this.need(botId);
    this.disarm(bot);
    bot.machine.transition('STOPPING', reason);
    for (const order of bot.open.splice(0)) this.finish(bot, order, 'CANCELLED');
    bot.machine.transition('STOPPED', reason);
    this.bots.delete(botId);
    return Promise.resolve();
  }

  async pauseBot(botId: string, reason: string): Promise<void> {
    const bot = this.need(botId);
    if (bot.machine.state === 'PAUSED') return;
    this.disarm(bot);
    bot.machine.transition('PAUSING', reason);
    bot.machine.transition('PAUSED', reason);
    return Promise.resolve();
  }

  async resumeBot(botId: string, reason: string): Promise<void> {
    const bot = this.need(botId);
    if (bot.machine.state === 'RUNNING') return;
    bot.machine.transition('STARTING', reason);
    bot.machine.transition('RUNNING', reason);
    bot.frozen = false;
    this.arm(bot);
    return Promise.resolve();
  }

  async updateBotConfig(
    botId: string,
    change: { config?: Record<string, unknown>; riskLimits?: RiskLimits },
  ): Promise<void> {
    const bot = this.need(botId);
    bot.spec = {
      ...bot.spec,
      ...(change.config ? { config: change.config } : {}),
      ...(change.riskLimits ? { riskLimits: change.riskLimits } : {}),
    };
    if (bot.timer) {
      this.disarm(bot);
      this.arm(bot);
    }
    return Promise.resolve();
  }

  async killSwitch(reason: string): Promise<void> {
    for (const botId of [...this.bots.keys()]) await this.stopBot(botId, `kill switch: ${reason}`);
  }

  async placeOrder(botId: string, order: ManualOrder): Promise<void> {
    const bot = this.need(botId);
    if (bot.machine.state !== 'RUNNING') throw new Error(`bot ${botId} is ${bot.machine.state}, not RUNNING`);
    if (
      !this.send(
        bot,
        order.clientOrderId,
        order.instrumentId,
        order.side,
        order.price ?? null,
        order.quantity,
        'manual',
      )
    ) {
      throw new Error('order gate closed: engine is fail-closed or does not hold the bot lease');
    }
    return Promise.resolve();
  }

  async cancelOrder(botId: string, clientOrderId: string): Promise<void> {
    const bot = this.need(botId);
    const index = bot.open.findIndex((order) => order.clientOrderId === clientOrderId);
    if (index < 0) throw new Error(`no open order ${clientOrderId} on bot ${botId}`);
    const [order] = bot.open.splice(index, 1);
    if (order) this.finish(bot, order, 'CANCELLED');
    return Promise.resolve();
  }

  async abandonBot(botId: string, reason: string): Promise<void> {
    const bot = this.bots.get(botId);
    if (!bot) return;
    this.disarm(bot);
    bot.machine.tryTransition('STOPPING', reason);
    bot.machine.tryTransition('STOPPED', reason);
    this.bots.delete(botId);
    return Promise.resolve();
  }

  async pauseAllForFailClosed(reason: string): Promise<void> {
    for (const bot of this.bots.values()) {
      this.disarm(bot);
      // Paper orders are frozen (kept, not matched); a live kernel cancels them at the venue here.
      bot.frozen = true;
      if (bot.machine.state === 'RUNNING' || bot.machine.state === 'STARTING') {
        bot.machine.tryTransition('PAUSING', reason);
        bot.machine.tryTransition('PAUSED', reason);
      }
    }
    return Promise.resolve();
  }

  async reconcileAndResume(botId: string, reason: string): Promise<void> {
    const bot = this.need(botId);
    this.log(bot, 'info', `reconciled ${String(bot.open.length)} open paper orders by client order id`);
    await this.resumeBot(botId, reason);
  }

  setFence(botId: string, fence: number): void {
    const bot = this.bots.get(botId);
    if (!bot || bot.fence === fence) return;
    bot.fence = fence;
    bot.ids = new ClientOrderIdGenerator(botId, fence.toString(36));
  }

  async close(): Promise<void> {
    for (const bot of this.bots.values()) this.disarm(bot);
    this.bots.clear();
    return Promise.resolve();
  }

  private create(spec: BotSpec, fence: number): Bot {
    if (this.bots.has(spec.botId)) throw new Error(`bot ${spec.botId} already runs on this engine`);
    const bot: Bot = {
      spec,
      fence,
      ids: new ClientOrderIdGenerator(spec.botId, fence.toString(36)),
      machine: new BotStateMachine((from: BotState, to: BotState, reason: string) => {
        this.emitter.emit(
          'bot-state-changed',
          { botId: spec.botId, exchange: spec.exchange },
          { from, to, reason: reason.slice(0, 500) },
        );
      }),
      timer: null,
      open: [],
      frozen: false,
    };
    this.bots.set(spec.botId, bot);
    return bot;
  }

  private need(botId: string): Bot {
    const bot = this.bots.get(botId);
    if (!bot) throw new Error(`bot ${botId} is not on this engine`);
    return bot;
  }

  private arm(bot: Bot): void {
    if (bot.timer) return;
    const raw = bot.spec.config.orderIntervalMs;
    const interval = typeof raw === 'number' && raw >= 10 ? raw : 250;
    bot.timer = setInterval(() => {
      this.tick(bot);
    }, interval);
  }

  private disarm(bot: Bot): void {
    if (bot.timer) clearInterval(bot.timer);
    bot.timer = null;
  }

  private tick(bot: Bot): void {
    if (bot.machine.state !== 'RUNNING' || bot.frozen) return;
    for (const order of bot.open.splice(0)) this.finish(bot, order, 'FILLED');
    const raw = bot.spec.config.instrumentId;
    const instrumentId =
      typeof raw === 'string'
        ? raw
        : bot.spec.exchange === 'okx'
          ? 'okx:BTC-USDT-SWAP'
          : 'polymarket:demo-token';
    this.send(bot, bot.ids.next(), instrumentId, 'BUY', '100', '1', 'strategy');
  }

  private send(
    bot: Bot,
    clientOrderId: string,
    instrumentId: string,
    side: OrderSide,
    price: string | null,
    quantity: string,
    source: 'strategy' | 'manual',
  ): boolean {
    if (!this.gate.canSendOrder(bot.spec.botId, bot.fence)) {
      this.onBlocked(bot.spec.botId);
      return false;
    }
    const now = Date.now();
    this.orderLog.sent({ clientOrderId, botId: bot.spec.botId, fence: bot.fence, at: now });
    const order: Order = {
      orderId: clientOrderId,
      clientOrderId,
      exchange: bot.spec.exchange,
      botId: bot.spec.botId,
      instrumentId,
      side,
      type: 'LIMIT',
      price: price === null ? null : new Decimal(price).toString(),
      quantity,
      filledQuantity: '0',
      status: 'OPEN',
      source,
      mode: bot.spec.mode,
      createdAt: now,
      updatedAt: now,
    };
    bot.open.push(order);
    this.emitter.emit('order-updated', { botId: bot.spec.botId, exchange: bot.spec.exchange }, { order });
    return true;
  }

  private finish(bot: Bot, order: Order, status: 'FILLED' | 'CANCELLED'): void {
    const done: Order = {
      ...order,
      status,
      filledQuantity: status === 'FILLED' ? order.quantity : '0',
      updatedAt: Date.now(),
    };
    this.emitter.emit(
      'order-updated',
      { botId: bot.spec.botId, exchange: bot.spec.exchange },
      { order: done },
    );
  }

  private log(bot: Bot, level: 'info' | 'warn', message: string): void {
    this.emitter.emit('bot-log', { botId: bot.spec.botId, exchange: bot.spec.exchange }, { level, message });
  }
}
