/**
 * What the Redis bridge needs from the engine kernel (src/kernel.ts, owned by the engine core). The bridge drives
 * the kernel only through this interface, so the service can wrap the real kernel or the stand-in
 * (standalone-kernel.ts) alike. Every method that fails throws an Error whose message becomes the rejection reason
 * of the command.
 */
import type { BotSpec, BotState, Exchange, PlaceOrderCommand, RiskLimits } from '@trading/shared-types';
import type { Redis } from 'ioredis';
import type { EventSink } from '../core/bus.js';
import type { KeySpace } from './redis-connection.js';

/**
 * Checked synchronously on every order path (place, amend, replace) with the bot's fencing token. False means the
 * order must not leave the process: Redis is unreachable (fail-closed), the lease expired or moved to another
 * engine, or the token is stale.
 */
export interface OrderGate {
  /** Asked when an order is handed to the venue adapter; counts it as an order out when it passes. */
  canSendOrder(botId: string, fence: number): boolean;
  /**
   * The same check again right before the adapter sends (`beforeSend`), without counting the order a second
   * time. Absent: `canSendOrder` is asked again.
   */
  canStillSend?(botId: string, fence: number): boolean;
}

export interface KernelBot {
  botId: string;
  exchange: Exchange;
  state: BotState;
  /** Fencing token of the lease the bot runs under (also the client order id run nonce). */
  fence: number;
  spec: BotSpec;
}

export type ManualOrder = PlaceOrderCommand['payload'];

export interface EngineKernel {
  /** Start a new bot under a lease (fence = its token; the kernel passes it to every order-path check). */
  startBot(spec: BotSpec, lease: { fence: number }): Promise<void>;
  /**
   * Adopt a bot a dead engine ran: reconcile open orders and positions with the venue by client order id first,
   * then run it (resume=true) or leave it PAUSED.
   */
  adoptBot(spec: BotSpec, lease: { fence: number; resume: boolean; reason: string }): Promise<void>;
  stopBot(botId: string, reason: string, flatten: boolean): Promise<void>;
  pauseBot(botId: string, reason: string): Promise<void>;
  resumeBot(botId: string, reason: string): Promise<void>;
  updateBotConfig(
    botId: string,
    change: { config?: Record<string, unknown>; riskLimits?: RiskLimits },
  ): Promise<void>;
  /** Stop every bot now (orders cancelled, optionally flattened). */
  killSwitch(reason: string, flatten: boolean): Promise<void>;
  placeOrder(botId: string, order: ManualOrder): Promise<void>;
  cancelOrder(botId: string, clientOrderId: string): Promise<void>;
  /**
   * The lease is gone (another engine may own the bot): stop trading it at once and drop it. A live bot's open
   * orders *of this run* are cancelled at the venue first (cancels are always safe; if no engine adopts the bot
   * its quotes must not keep trading unwatched) unless `cancelLive: false` (tests: a crashed engine cancels
   * nothing). The new owner reconciles anyway (fence).
   */
  abandonBot(botId: string, reason: string, options?: { cancelLive?: boolean }): Promise<void>;
  /** Fail-closed: cancel live orders (paper orders are frozen) and move every bot to PAUSED with this reason. */
  pauseAllForFailClosed(reason: string): Promise<void>;
  /** After fail-closed: reconcile the bot with its venue by client order id, then resume it. */
  reconcileAndResume(botId: string, reason: string): Promise<void>;
  /** A renewed lease may carry a new token (re-acquired after expiry): later orders use it. */
  setFence(botId: string, fence: number): void;
  listBots(): KernelBot[];
  /** Events out of the kernel (schema'd EngineEvent envelopes). */
  setEventSink(sink: EventSink): void;
  setOrderGate(gate: OrderGate): void;
  /**
   * Keep every bot's books in this Redis (fenced by the bot's lease, held as `leaseHolder`) and restore them on
   * adoption. Optional: a
   * kernel without it adopts bots with empty books.
   */
  attachCheckpoints?(redis: Redis, keys: KeySpace, leaseHolder: string): void;
  close(): Promise<void>;
}
