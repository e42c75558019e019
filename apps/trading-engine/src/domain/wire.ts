/**
 * In-memory shapes → schema'd wire shapes (decimal strings) for the engine's events: Order, Fill, Position,
 * PnlSnapshot. One place so every event carries the same field conventions.
 */
import type { Decimal } from 'decimal.js';
import type {
  Exchange,
  Fill,
  Order,
  OrderSource,
  PnlSnapshot,
  Position,
  TradingMode,
} from '@trading/shared-types';
import type { Instrument } from '../ports/instruments.js';
import type { FillReport, OrderState, PositionState } from '../ports/execution.js';
import type { PositionView } from './position.js';
import type { LedgerFigures } from '../portfolio/bot-ledger.js';

export interface WireScope {
  botId: string;
  exchange: Exchange;
  mode: TradingMode;
}

const str = (value: Decimal): string => value.toFixed();
const ms = (value: number): number => Math.max(0, Math.trunc(value));

export function toWireOrder(
  state: OrderState,
  scope: WireScope,
  source: OrderSource,
  instrument: Instrument | undefined,
  extra: { reduceOnly?: boolean; leverage?: number | null } = {},
): Order {
  const order: Order = {
    orderId: state.clientOrderId,
    clientOrderId: state.clientOrderId,
    exchangeOrderId: state.exchangeOrderId,
    exchange: scope.exchange,
    botId: scope.botId,
    instrumentId: state.instrumentId,
    side: state.side,
    type: state.type,
    price: state.price === null ? null : str(state.price),
    quantity: str(state.quantity),
    filledQuantity: str(state.filledQuantity),
    averageFillPrice: state.averageFillPrice === null ? null : str(state.averageFillPrice),
    status: state.status,
    source,
    mode: scope.mode,
    fee: str(state.fee),
    feeCurrency: state.feeCurrency,
    createdAt: ms(state.createdAt),
    updatedAt: ms(state.updatedAt),
  };
  if (instrument) order.symbol = instrument.symbol;
  if (instrument?.polymarket) order.outcome = instrument.polymarket.outcome;
  if (state.reason !== undefined) order.statusReason = state.reason.slice(0, 500);
  if (extra.reduceOnly !== undefined) order.reduceOnly = extra.reduceOnly;
  if (extra.leverage !== undefined && extra.leverage !== null) order.leverage = extra.leverage;
  return order;
}

export function toWireFill(
  fill: FillReport,
  scope: WireScope,
  realized: Decimal,
  instrument: Instrument | undefined,
): Fill {
  const wire: Fill = {
    fillId: fill.fillId,
    orderId: fill.clientOrderId,
    clientOrderId: fill.clientOrderId,
    exchangeTradeId: fill.fillId,
    exchange: scope.exchange,
    botId: scope.botId,
    instrumentId: fill.instrumentId,
    side: fill.side,
    price: str(fill.price),
    quantity: str(fill.quantity),
    fee: str(fill.fee),
    feeCurrency: fill.feeCurrency,
    role: fill.role,
    mode: scope.mode,
    realizedPnl: str(realized),
    timestamp: ms(fill.timestamp),
  };
  if (instrument?.polymarket) wire.outcome = instrument.polymarket.outcome;
  return wire;
}

export function toWirePosition(
  view: PositionView,
  scope: WireScope,
  instrument: Instrument | undefined,
  venue: PositionState | undefined,
  now: number,
): Position {
  const position: Position = {
    exchange: scope.exchange,
    botId: scope.botId,
    instrumentId: view.instrumentId,
    side: view.quantity.isZero() ? 'FLAT' : view.quantity.isPos() ? 'LONG' : 'SHORT',
    quantity: str(view.quantity),
    averageEntryPrice: str(view.averageEntryPrice),
    realizedPnl: str(view.realizedPnl),
    unrealizedPnl: str(view.unrealizedPnl),
    fees: str(view.fees),
    funding: str(view.funding),
    mode: scope.mode,
    updatedAt: ms(now),
  };
  if (view.markPrice !== null) position.markPrice = str(view.markPrice);
  if (instrument?.polymarket) position.outcome = instrument.polymarket.outcome;
  if (venue) {
    if (venue.leverage !== null && venue.leverage >= 1 && venue.leverage <= 125)
      position.leverage = venue.leverage;
    position.marginMode = venue.marginMode;
    position.liquidationPrice = venue.liquidationPrice === null ? null : str(venue.liquidationPrice);
    if (venue.margin !== null) position.margin = str(venue.margin);
  }
  return position;
}

export function toWirePnl(figures: LedgerFigures, scope: WireScope, now: number): PnlSnapshot {
  return {
    exchange: scope.exchange,
    botId: scope.botId,
    mode: scope.mode,
    currency: figures.currency,
    realizedPnl: str(figures.realizedPnl),
    unrealizedPnl: str(figures.unrealizedPnl),
    totalPnl: str(figures.totalPnl),
    fees: str(figures.fees),
    funding: str(figures.funding),
    equity: str(figures.equity),
    volume: str(figures.volume.abs()),
    tradeCount: figures.tradeCount,
    // A display percentage, not money: a float is fine on the wire here.
    drawdownPct: Number(figures.drawdownPct.toDecimalPlaces(6).toFixed()),
    exposure: str(figures.exposure.abs()),
    timestamp: ms(now),
  };
}
