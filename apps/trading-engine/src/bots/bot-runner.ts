/**
 * One bot's runtime state: its spec, strategy and strategy state, state machine, orders, ledger, execution
 * binding, subscriptions and event queue. The engine (engines/trading-engine.ts) drives it; strategies only ever
 * see the read-only context built here.
 *
 * Events reach the strategy through a per-bot queue: an intent that makes the venue answer synchronously (paper
 * trading) queues the answer instead of re-entering the strategy, so handlers never nest.
 */
import type { SignalEvent } from '../strategies/signal-event.js';
import type { Decimal } from 'decimal.js';
import type { BotSpec, BotState, Exchange, LogLevel, TradingMode } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { BalanceState, ExecutionPort, PositionState } from '../ports/execution.js';
import type { Subscription } from '../ports/market-data.js';
import { ClientOrderIdGenerator } from '../core/ids.js';
import { OrderTracker } from '../engines/order-tracker.js';
import { BotLedger } from '../portfolio/bot-ledger.js';
import type { ParsedRiskLimits } from '../risk/limits.js';
import { OrderRateWindow } from '../risk/order-rate-window.js';
import type { AnyStrategy, StrategyEvent, StrategySubscription } from '../strategies/types.js';
import { BotStateMachine } from './bot-state-machine.js';

/** How a bot reaches its venue. Paper bots get their own account (exclusive); live bots may share one. */
export interface BotExecution {
  port: ExecutionPort;
  /** True when the port carries only this bot's orders, positions and balances (paper accounts). */
  exclusive: boolean;
  /**
   * True when the account's balances are this bot's alone — a paper account, or a live bot trading on its own
   * wallet credentials — so its balance updates are reported as the bot's. A live account is never `exclusive`
   * (the engine still reconciles, cancels and books it order by order, by client order id).
   */
  ownAccount?: boolean;
  /** Called with the bot's instruments before it subscribes to market data (the paper venue watches first). */
  prepare?(instrumentIds: readonly InstrumentId[]): void;
  /** Called when the bot is removed. */
  release?(): void;
  /** Equity the ledger starts from (drawdown base), in the bot's settle currency. */
  startingEquity: Decimal;
  currency: string;
}

export class BotRunner {
  readonly tracker = new OrderTracker();
  readonly rate = new OrderRateWindow();
  readonly ids: ClientOrderIdGenerator;
  readonly machine: BotStateMachine;
  readonly ledger: BotLedger;
  readonly queue: (StrategyEvent | SignalEvent)[] = [];
  draining = false;
  strategyState: unknown = undefined;
  subscriptions: Subscription[] = [];
  unsubscribeExecution: (() => void) | null = null;
  nextTimerAt: number | null = null;
  lastPnlAt = 0;
  /** Marks moved since the ledger was last re-marked and risk-checked. */
  dirtyMarks = false;
  lastRiskAt = Number.NEGATIVE_INFINITY;
  readonly balances = new Map<string, BalanceState>();
  readonly venuePositions = new Map<InstrumentId, PositionState>();
  readonly leverage = new Map<InstrumentId, number>();
  /** Instruments the bot subscribed to (for mark routing). */
  readonly instrumentIds: InstrumentId[];

  constructor(
    public spec: BotSpec,
    readonly strategy: AnyStrategy,
    public config: unknown,
    public limits: ParsedRiskLimits,
    readonly execution: BotExecution,
    readonly subscriptionsWanted: readonly StrategySubscription[],
    readonly timerIntervalMs: number | null,
    now: number,
    onTransition: (runner: BotRunner, from: BotState, to: BotState, reason: string) => void,
    runNonce: number | string,
  ) {
    this.ids = new ClientOrderIdGenerator(spec.botId, runNonce);
    this.machine = new BotStateMachine((from, to, reason) => {
      onTransition(this, from, to, reason);
    });
    this.ledger = new BotLedger(execution.currency, execution.startingEquity, now);
    this.instrumentIds = [...new Set(subscriptionsWanted.map((subscription) => subscription.instrumentId))];
  }

  get botId(): string {
    return this.spec.botId;
  }

  get exchange(): Exchange {
    return this.spec.exchange;
  }

  get mode(): TradingMode {
    return this.spec.mode;
  }

  get state(): BotState {
    return this.machine.state;
  }
}

export type { LogLevel };
