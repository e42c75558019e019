/** List specs of the trading tables (orders, fills = trades, positions), shared by top-level and per-bot routes. */
import { fills, orders, positions } from '../../../db/schema.js';
import type { ListSpec } from '../../../services/lists/paginate.js';

export const ORDER_LIST: ListSpec = {
  table: orders,
  exchange: orders.exchange,
  time: orders.createdAt,
  sort: { createdAt: orders.createdAt, updatedAt: orders.updatedAt, status: orders.status },
  eq: { botId: orders.botId, status: orders.status, instrumentId: orders.instrumentId, side: orders.side, mode: orders.mode, source: orders.source },
};

export const FILL_LIST: ListSpec = {
  table: fills,
  exchange: fills.exchange,
  time: fills.timestamp,
  sort: { timestamp: fills.timestamp, createdAt: fills.timestamp },
  eq: { botId: fills.botId, instrumentId: fills.instrumentId, side: fills.side, mode: fills.mode },
};

export const POSITION_LIST: ListSpec = {
  table: positions,
  exchange: positions.exchange,
  time: positions.updatedAt,
  sort: { updatedAt: positions.updatedAt },
  eq: { botId: positions.botId, instrumentId: positions.instrumentId, mode: positions.mode, status: positions.side },
};
