/**
 * The strategy API (stable: strategies, the backtest runner and the dashboard build on it).
 *
 * A strategy is a set of pure handlers `(state, event, ctx) → { state, intents }`. It never does I/O, never sets
 * timers and never calls an exchange: it reads the read-only context (books, positions, balances, open orders,
 * clock, suggested order size, logger) and returns intents as data. The engine validates, risk-checks and routes
 * the intents. The same code runs live, in paper trading and in backtests (where ctx.clock is simulated).
 *
 * See docs/writing-a-strategy.md.
 */
import type { Decimal } from 'decimal.js';
import type { Exchange, LogLevel, OrderSide, SchemaName } from '@trading/shared-types';
import type { Clock } from '../ports/clock.js';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type {
  BookEvent,
  FundingEvent,
  MarketChannel,
  MarkPriceEvent,
  MarketResolvedEvent,
  OrderBookView,
  TickerEvent,
  TradeEvent,
} from '../ports/market-data.js';
import type { BalanceState, FillReport, OrderState } from '../ports/execution.js';
import type { Intent } from '../domain/intents.js';
import type { PositionView } from '../domain/position.js';

export type {
  Intent,
  PlaceOrderIntent,
  CancelOrderIntent,
  AmendOrderIntent,
  CancelAllIntent,
  SetLeverageIntent,
} from '../domain/intents.js';
export type { PositionView } from '../domain/position.js';

/** The periodic tick (hybrid model: strategies react to market events and also get a timer). */
export interface TimerEvent {
  type: 'timer';
  timestamp: number;
}

/** One of the bot's orders traded (all or part). */
export interface FillEvent {
  type: 'fill';
  fill: FillReport;
  /** The order after this fill. */
  order: OrderState;
}

/** One of the bot's orders changed state (acknowledged, amended, cancelled, filled, rejected by the venue). */
export interface OrderUpdateEvent {
  type: 'order-update';
  order: OrderState;
}

/** An intent was refused: by a risk rule (`source: 'risk'`), the venue, or the engine. */
export interface OrderDeniedEvent {
  type: 'order-denied';
  intent: Intent;
  /** Client order id of the refused order, when the intent concerned one. */
  clientOrderId: string | null;
  source: 'risk' | 'venue' | 'engine';
  /** The rule that refused it (`max-order-size`, `price-band`, a venue error code, ...). */
  rule: string;
  message: string;
  timestamp: number;
}

/** The bot was started (after STARTING) or resumed. Place initial orders here. */
export interface StartEvent {
  type: 'start';
  timestamp: number;
  resumed: boolean;
}

/** The bot is stopping or pausing. The engine cancels the bot's open orders afterwards anyway. */
export interface StopEvent {
  type: 'stop';
  timestamp: number;
  reason: string;
}

export type MarketStrategyEvent =
  BookEvent | TradeEvent | TickerEvent | FundingEvent | MarkPriceEvent | MarketResolvedEvent;

export type StrategyEvent =
  MarketStrategyEvent | TimerEvent | FillEvent | OrderUpdateEvent | OrderDeniedEvent | StartEvent | StopEvent;

export interface StrategyLogger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** Read-only view of the world a strategy gets with every event. Never hold on to it between events. */
export interface StrategyContext {
  readonly botId: string;
  readonly exchange: Exchange;
  /** Wall clock live, simulated clock in backtests. The only time source a strategy may use. */
  readonly clock: Clock;
  readonly log: StrategyLogger;
  instrument(instrumentId: InstrumentId): Instrument | undefined;
  book(instrumentId: InstrumentId): OrderBookView | undefined;
  bestBid(instrumentId: InstrumentId): Decimal | null;
  bestAsk(instrumentId: InstrumentId): Decimal | null;
  /** (best bid + best ask) / 2, or null without both sides. */
  mid(instrumentId: InstrumentId): Decimal | null;
  /** Mark price (OKX mark, else the mid, else the last trade), or null. */
  markPrice(instrumentId: InstrumentId): Decimal | null;
  /** Last funding rate seen for the instrument, or null. */
  fundingRate(instrumentId: InstrumentId): Decimal | null;
  /** This bot's position (flat when none). */
  position(instrumentId: InstrumentId): PositionView;
  positions(): readonly PositionView[];
  /** This bot's balances (the paper wallet in paper mode). */
  balances(): readonly BalanceState[];
  balance(currency: string): BalanceState | undefined;
  /** This bot's open orders, optionally of one instrument. */
  openOrders(instrumentId?: InstrumentId): readonly OrderState[];
  /**
   * The largest order quantity the bot's risk limits allow at `price` (max order size, max order notional, room
   * left under max position on that side), rounded down to the lot size; zero when below the venue's min size.
   */
  suggestedOrderSize(instrumentId: InstrumentId, side: OrderSide, price: Decimal): Decimal;
  /** A fresh client order id (deterministic per bot), to cancel or amend the order later. */
  newClientOrderId(): string;
}

export interface StrategyResult<S> {
  state: S;
  intents: readonly Intent[];
}

export type Handler<S, E, C> = (state: S, event: E, ctx: StrategyContext, config: C) => StrategyResult<S>;

/** Which market data a bot needs. The engine subscribes and routes matching events to the handlers. */
export interface StrategySubscription {
  instrumentId: InstrumentId;
  channels: readonly MarketChannel[];
}

/**
 * A strategy definition. `Config` is the parsed config (validated against schemas/strategies/<name>.json first),
 * `State` the strategy's own immutable state. Every handler is optional; a missing one means "no intents".
 */
export interface StrategyDefinition<C = unknown, S = unknown> {
  /** Registry key; equals the schema file name schemas/strategies/<name>.json. */
  readonly name: string;
  readonly description: string;
  /** Venues the strategy can run on. */
  readonly exchanges: readonly Exchange[];
  /** Generated schema name of schemas/strategies/<name>.json (its `title`), e.g. 'SimpleQuoterConfig'. */
  readonly configSchema: SchemaName;
  /**
   * Turns the schema-validated config (decimals already normalised to strings) into the typed config.
   * Throw to refuse a config the schema cannot express.
   */
  parseConfig(raw: Record<string, unknown>): C;
  subscriptions(config: C): readonly StrategySubscription[];
  /** Period of onTimer in ms (simulated time in backtests); null for none. */
  timerIntervalMs(config: C): number | null;
  initialState(config: C, ctx: StrategyContext): S;
  onStart?: Handler<S, StartEvent, C>;
  onStop?: Handler<S, StopEvent, C>;
  onBook?: Handler<S, BookEvent, C>;
  onTrade?: Handler<S, TradeEvent, C>;
  onTicker?: Handler<S, TickerEvent, C>;
  onFunding?: Handler<S, FundingEvent, C>;
  onMarkPrice?: Handler<S, MarkPriceEvent, C>;
  onMarketResolved?: Handler<S, MarketResolvedEvent, C>;
  onTimer?: Handler<S, TimerEvent, C>;
  onFill?: Handler<S, FillEvent, C>;
  onOrderUpdate?: Handler<S, OrderUpdateEvent, C>;
  onOrderDenied?: Handler<S, OrderDeniedEvent, C>;
}

/** Log levels a strategy may use (the bot-log event's level). */
export type StrategyLogLevel = LogLevel;

/** Widens a typed definition for the registry (handlers stay typed inside the strategy's own module). */
export type AnyStrategy = StrategyDefinition;

/** Identity helper that keeps C and S inferred: `export const grid = defineStrategy({...})`. */
export function defineStrategy<C, S>(definition: StrategyDefinition<C, S>): StrategyDefinition<C, S> {
  return definition;
}

/** Routes one event to the matching handler. Used by the bot runner and the backtest runner. */
export function dispatchStrategyEvent<C, S>(
  strategy: StrategyDefinition<C, S>,
  state: S,
  event: StrategyEvent,
  ctx: StrategyContext,
  config: C,
): StrategyResult<S> {
  // The empty result only when there is no handler: this runs once per market event.
  return routeStrategyEvent(strategy, state, event, ctx, config) ?? { state, intents: [] };
}

function routeStrategyEvent<C, S>(
  strategy: StrategyDefinition<C, S>,
  state: S,
  event: StrategyEvent,
  ctx: StrategyContext,
  config: C,
): StrategyResult<S> | undefined {
  switch (event.type) {
    case 'book':
      return strategy.onBook?.(state, event, ctx, config);
    case 'trade':
      return strategy.onTrade?.(state, event, ctx, config);
    case 'ticker':
      return strategy.onTicker?.(state, event, ctx, config);
    case 'funding':
      return strategy.onFunding?.(state, event, ctx, config);
    case 'mark-price':
      return strategy.onMarkPrice?.(state, event, ctx, config);
    case 'market-resolved':
      return strategy.onMarketResolved?.(state, event, ctx, config);
    case 'timer':
      return strategy.onTimer?.(state, event, ctx, config);
    case 'fill':
      return strategy.onFill?.(state, event, ctx, config);
    case 'order-update':
      return strategy.onOrderUpdate?.(state, event, ctx, config);
    case 'order-denied':
      return strategy.onOrderDenied?.(state, event, ctx, config);
    case 'start':
      return strategy.onStart?.(state, event, ctx, config);
    case 'stop':
      return strategy.onStop?.(state, event, ctx, config);
  }
}
