/**
 * The StrategyContext of a backtest bot: a read-only view over the in-memory feed, the paper venue, the bot's
 * ledger, its open orders and its risk limits. Built once; it reads the live objects at call time.
 */
import { Decimal } from 'decimal.js';
import type { Exchange, OrderSide } from '@trading/shared-types';
import type { Clock } from '../ports/clock.js';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { OrderBookView } from '../ports/market-data.js';
import type { BalanceState, OrderState } from '../ports/execution.js';
import type { PositionView } from '../domain/position.js';
import type { InMemoryMarketData } from '../engines/in-memory-market-data.js';
import type { PaperVenue } from '../paper/paper-venue.js';
import type { BotLedger } from '../portfolio/bot-ledger.js';
import type { ParsedRiskLimits } from '../risk/limits.js';
import { suggestedOrderSize } from '../risk/suggested-size.js';
import type { ClientOrderIdGenerator } from '../core/ids.js';
import { ZERO } from '../core/decimal.js';
import type { StrategyContext, StrategyLogger } from '../strategies/types.js';

export interface BacktestWorld {
  botId: string;
  exchange: Exchange;
  clock: Clock;
  log: StrategyLogger;
  instruments: ReadonlyMap<InstrumentId, Instrument>;
  feed: InMemoryMarketData;
  venue: PaperVenue;
  ledger: BotLedger;
  limits: ParsedRiskLimits;
  ids: ClientOrderIdGenerator;
  openOrders: ReadonlyMap<string, OrderState>;
  balances: ReadonlyMap<string, BalanceState>;
  fundingRates: ReadonlyMap<InstrumentId, Decimal>;
  lastTrades: ReadonlyMap<InstrumentId, Decimal>;
}

/** Signed remaining quantity of open orders on one side of one instrument. */
export function openSameSide(orders: ReadonlyMap<string, OrderState>, instrumentId: InstrumentId, side: OrderSide): Decimal {
  let total = ZERO;
  for (const order of orders.values()) {
    if (order.instrumentId !== instrumentId || order.side !== side) continue;
    // Runs for every order placed, over every open order: an unfilled one's remainder is its quantity (q − 0 is q
    // for any q within the precision), without the subtraction.
    const unfilled = order.filledQuantity.isZero() && order.quantity.sd() <= Decimal.precision;
    const remaining = unfilled ? order.quantity : order.quantity.sub(order.filledQuantity);
    total = side === 'BUY' ? total.add(remaining) : total.sub(remaining);
  }
  return total;
}

export function createBacktestContext(world: BacktestWorld): StrategyContext {
  const book = (id: InstrumentId): OrderBookView | undefined => world.feed.getOrderBook(id);
  const bestBid = (id: InstrumentId): Decimal | null => book(id)?.bids[0]?.[0] ?? null;
  const bestAsk = (id: InstrumentId): Decimal | null => book(id)?.asks[0]?.[0] ?? null;
  // Strategies ask for the mid on every book update while the touch rarely moves: the venue keeps the last one per
  // instrument, and has usually just computed it from this very book for its mark.
  const mid = (id: InstrumentId): Decimal | null => {
    const bid = bestBid(id);
    const ask = bestAsk(id);
    if (bid === null || ask === null) return null;
    return world.venue.touchMid(id, bid, ask);
  };
  return {
    botId: world.botId,
    exchange: world.exchange,
    clock: world.clock,
    log: world.log,
    instrument: (id) => world.instruments.get(id),
    book,
    bestBid,
    bestAsk,
    mid,
    markPrice: (id) => world.venue.markPrice(id) ?? mid(id) ?? world.lastTrades.get(id) ?? null,
    fundingRate: (id) => world.fundingRates.get(id) ?? null,
    position: (id): PositionView => world.ledger.position(id),
    positions: () => world.ledger.positions(),
    balances: () => [...world.balances.values()],
    balance: (currency) => world.balances.get(currency),
    openOrders: (id) => [...world.openOrders.values()].filter((order) => id === undefined || order.instrumentId === id),
    suggestedOrderSize: (id, side, price) => {
      const instrument = world.instruments.get(id);
      if (!instrument) return ZERO;
      return suggestedOrderSize(instrument, world.limits, side, price, world.ledger.position(id).quantity, openSameSide(world.openOrders, id, side));
    },
    newClientOrderId: () => world.ids.next(),
  };
}
