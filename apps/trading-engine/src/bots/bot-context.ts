/**
 * Builds the read-only StrategyContext of one bot. Reads go straight to the engine's caches (market data port,
 * the bot's ledger, tracker and balances); nothing here can place an order or do I/O.
 */
import type { Decimal } from 'decimal.js';
import type { LogLevel } from '@trading/shared-types';
import type { Clock } from '../ports/clock.js';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { MarketDataPort } from '../ports/market-data.js';
import { TWO } from '../paper/constants.js';
import { suggestedOrderSize } from '../risk/suggested-size.js';
import type { StrategyContext } from '../strategies/types.js';
import type { BotRunner } from './bot-runner.js';

export interface ContextSources {
  clock: Clock;
  marketData: MarketDataPort;
  instrument(id: InstrumentId): Instrument | undefined;
  markPrice(id: InstrumentId): Decimal | null;
  fundingRate(id: InstrumentId): Decimal | null;
  log(runner: BotRunner, level: LogLevel, message: string, context?: Record<string, unknown>): void;
  /** Brings the bot's ledger up to the latest marks (they are applied lazily). */
  refreshMarks(runner: BotRunner): void;
}

export function createBotContext(runner: BotRunner, sources: ContextSources): StrategyContext {
  const bestBid = (id: InstrumentId): Decimal | null =>
    sources.marketData.getOrderBook(id)?.bids[0]?.[0] ?? null;
  const bestAsk = (id: InstrumentId): Decimal | null =>
    sources.marketData.getOrderBook(id)?.asks[0]?.[0] ?? null;
  const mid = (id: InstrumentId): Decimal | null => {
    const bid = bestBid(id);
    const ask = bestAsk(id);
    return bid === null || ask === null ? null : bid.add(ask).div(TWO);
  };
  const log =
    (level: LogLevel) =>
    (message: string, context?: Record<string, unknown>): void => {
      sources.log(runner, level, message, context);
    };
  return {
    botId: runner.botId,
    exchange: runner.exchange,
    clock: sources.clock,
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    instrument: (id) => sources.instrument(id),
    book: (id) => sources.marketData.getOrderBook(id),
    bestBid,
    bestAsk,
    mid,
    markPrice: (id) => sources.markPrice(id) ?? mid(id),
    fundingRate: (id) => sources.fundingRate(id),
    position: (id) => {
      sources.refreshMarks(runner);
      return runner.ledger.position(id);
    },
    positions: () => {
      sources.refreshMarks(runner);
      return runner.ledger.positions();
    },
    balances: () => [...runner.balances.values()],
    balance: (currency) => runner.balances.get(currency),
    openOrders: (id) => runner.tracker.openOrders(id),
    suggestedOrderSize: (id, side, price) => {
      const instrument = sources.instrument(id);
      if (!instrument) return price.mul(0);
      return suggestedOrderSize(
        instrument,
        runner.limits,
        side,
        price,
        runner.ledger.position(id).quantity,
        runner.tracker.openSignedQuantity(id, side),
      );
    },
    newClientOrderId: () => runner.ids.next(),
  };
}
