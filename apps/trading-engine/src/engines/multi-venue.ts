/**
 * A bot on more than one venue (cross-venue arbitrage: a Polymarket leg hedged on OKX). The bot keeps one primary
 * venue (BotSpec.exchange: its events, currency and drawdown base) and gets market data and an execution binding of
 * every other venue its strategy subscribes to. Instrument ids name their venue (`okx:…`, `polymarket:…`), so
 * reads and orders are routed by the id: the strategy sees one context and places orders as usual, and each order
 * goes to the account of its instrument's venue (a paper account per venue for paper bots).
 *
 * Per-venue settings for the other venues' accounts come from `exchangeConfig.venues.<exchange>` (same keys as the
 * bot's own exchangeConfig: paperBalances, leverage, marginMode), merged over the bot's exchangeConfig.
 */
import type { BotSpec, Exchange } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { ExecutionEvent, ExecutionPort, OrderState } from '../ports/execution.js';
import type { MarketDataPort } from '../ports/market-data.js';
import type { BotExecution } from '../bots/bot-runner.js';

/** The venue an instrument id names (`okx:BTC-USDT-SWAP` → okx). */
export function exchangeOf(instrumentId: InstrumentId): Exchange {
  return instrumentId.slice(0, instrumentId.indexOf(':')) as Exchange;
}

/** The venues a bot needs besides its own: those of its subscriptions' instruments, in first-seen order. */
export function otherExchanges(primary: Exchange, instrumentIds: readonly InstrumentId[]): Exchange[] {
  const others: Exchange[] = [];
  for (const id of instrumentIds) {
    const exchange = exchangeOf(id);
    if (exchange !== primary && !others.includes(exchange)) others.push(exchange);
  }
  return others;
}

/** The spec the other venue's binding sees: that exchange, exchangeConfig with its `venues.<exchange>` overrides. */
export function specForVenue(spec: BotSpec, exchange: Exchange): BotSpec {
  const config = spec.exchangeConfig as { venues?: Partial<Record<Exchange, Record<string, unknown>>> };
  const overrides = config.venues?.[exchange] ?? {};
  // Without its own balances the other account must not inherit the primary's (another settle currency).
  const { paperBalances: _primaryBalances, ...rest } = spec.exchangeConfig as Record<string, unknown>;
  return { ...spec, exchange, exchangeConfig: { ...rest, ...overrides } };
}

/** Market data of several venues behind one port, routed by instrument id. */
export function routedMarketData(pick: (instrumentId: InstrumentId) => MarketDataPort): MarketDataPort {
  return {
    watch: (instrumentId, channel, handler) => pick(instrumentId).watch(instrumentId, channel, handler),
    getOrderBook: (instrumentId) => pick(instrumentId).getOrderBook(instrumentId),
    fetchOrderBook: (instrumentId, depth) => pick(instrumentId).fetchOrderBook(instrumentId, depth),
  };
}

/**
 * One ExecutionPort over the bot's execution on each venue: orders go to their instrument's venue, queries without
 * an instrument ask every venue and concatenate (balances of different currencies stay separate entries).
 */
export class RoutedExecution implements ExecutionPort {
  /** `primary`: the bot's own venue, whose events pass unchanged. */
  constructor(
    private readonly ports: ReadonlyMap<Exchange, ExecutionPort>,
    private readonly primary: Exchange,
  ) {}

  private port(instrumentId: InstrumentId): ExecutionPort {
    const port = this.ports.get(exchangeOf(instrumentId));
    if (!port)
      throw new Error(
        `no execution for ${instrumentId}: the bot has no account on ${exchangeOf(instrumentId)}`,
      );
    return port;
  }

  private async all<T>(call: (port: ExecutionPort) => Promise<T[]>): Promise<T[]> {
    const lists = await Promise.all([...this.ports.values()].map(call));
    return lists.flat();
  }

  createOrder: ExecutionPort['createOrder'] = (request) =>
    this.port(request.instrumentId).createOrder(request);
  amendOrder: ExecutionPort['amendOrder'] = (instrumentId, clientOrderId, changes) =>
    this.port(instrumentId).amendOrder(instrumentId, clientOrderId, changes);
  cancelOrder: ExecutionPort['cancelOrder'] = (instrumentId, clientOrderId) =>
    this.port(instrumentId).cancelOrder(instrumentId, clientOrderId);
  cancelAllOrders = (instrumentId?: InstrumentId): Promise<OrderState[]> =>
    instrumentId === undefined
      ? this.all((port) => port.cancelAllOrders())
      : this.port(instrumentId).cancelAllOrders(instrumentId);
  fetchOpenOrders = (instrumentId?: InstrumentId): Promise<OrderState[]> =>
    instrumentId === undefined
      ? this.all((port) => port.fetchOpenOrders())
      : this.port(instrumentId).fetchOpenOrders(instrumentId);
  fetchOrderByClientId: ExecutionPort['fetchOrderByClientId'] = (instrumentId, clientOrderId) =>
    this.port(instrumentId).fetchOrderByClientId(instrumentId, clientOrderId);
  fetchBalances: ExecutionPort['fetchBalances'] = () => this.all((port) => port.fetchBalances());
  fetchPositions: ExecutionPort['fetchPositions'] = (instrumentId) =>
    instrumentId === undefined
      ? this.all((port) => port.fetchPositions())
      : this.port(instrumentId).fetchPositions(instrumentId);
  setLeverage: ExecutionPort['setLeverage'] = (instrumentId, leverage, marginMode) =>
    this.port(instrumentId).setLeverage(instrumentId, leverage, marginMode);

  onExecution(handler: (event: ExecutionEvent) => void): () => void {
    const unsubscribes = [...this.ports].map(([exchange, port]) =>
      port.onExecution((event) => {
        // Fill ids are unique per account, not across the bot's accounts (paper ids are `<botId>-f<n>` on each
        // venue): the other venues' get their exchange as a prefix so the engine's duplicate check keeps them.
        if (event.type === 'fill' && exchange !== this.primary)
          handler({ ...event, fill: { ...event.fill, fillId: `${exchange}:${event.fill.fillId}` } });
        else handler(event);
      }),
    );
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
  }
}

/**
 * The bot's execution over its primary venue's binding and the others'. The ledger's starting equity is the sum
 * of the accounts' (other currencies counted at par, as in backtests: USDT ≈ USDC); it is exclusive only when every
 * account is.
 */
export function combineExecutions(
  primary: { exchange: Exchange; execution: BotExecution },
  others: readonly { exchange: Exchange; execution: BotExecution }[],
): BotExecution {
  if (others.length === 0) return primary.execution;
  const legs = [primary, ...others];
  const combined: BotExecution = {
    port: new RoutedExecution(
      new Map(legs.map((leg) => [leg.exchange, leg.execution.port])),
      primary.exchange,
    ),
    exclusive: legs.every((leg) => leg.execution.exclusive),
    ownAccount: legs.every((leg) => leg.execution.exclusive || leg.execution.ownAccount === true),
    startingEquity: legs.reduce(
      (sum, leg) => sum.add(leg.execution.startingEquity),
      primary.execution.startingEquity.mul(0),
    ),
    currency: primary.execution.currency,
    prepare: (instrumentIds) => {
      for (const leg of legs)
        leg.execution.prepare?.(instrumentIds.filter((id) => exchangeOf(id) === leg.exchange));
    },
    release: () => {
      for (const leg of legs) leg.execution.release?.();
    },
  };
  return combined;
}
