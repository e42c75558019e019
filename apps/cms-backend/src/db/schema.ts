/**
 * Drizzle table definitions. They mirror db/migrations/*.sql exactly (the SQL files are the source of the
 * database; these give typed queries). Money is NUMERIC, read back as decimal strings.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  userId: text('user_id').primaryKey(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').notNull(),
  allowedExchanges: text('allowed_exchanges').array().notNull().default(sql`'{}'`),
  isActive: boolean('is_active').notNull().default(true),
  lastLoginAt: ts('last_login_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const refreshTokens = pgTable('refresh_tokens', {
  jti: text('jti').primaryKey(),
  userId: text('user_id').notNull(),
  expiresAt: ts('expires_at').notNull(),
  revokedAt: ts('revoked_at'),
  replacedBy: text('replaced_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const wallets = pgTable(
  'wallets',
  {
    walletId: text('wallet_id').primaryKey(),
    name: text('name').notNull(),
    exchange: text('exchange').notNull(),
    encryptedCredentials: text('encrypted_credentials').notNull(),
    credentialKeys: text('credential_keys').array().notNull(),
    publicAddress: text('public_address'),
    isActive: boolean('is_active').notNull().default(true),
    createdBy: text('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('wallets_exchange_idx').on(t.exchange, t.createdAt)],
);

export const bots = pgTable(
  'bots',
  {
    botId: text('bot_id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    exchange: text('exchange').notNull(),
    strategy: text('strategy').notNull(),
    mode: text('mode').notNull(),
    status: text('status').notNull(),
    statusReason: text('status_reason'),
    walletId: text('wallet_id'),
    config: jsonb('config').notNull().$type<Record<string, unknown>>(),
    exchangeConfig: jsonb('exchange_config').notNull().$type<Record<string, unknown>>(),
    riskLimits: jsonb('risk_limits').notNull().$type<Record<string, unknown>>(),
    assignedEngineId: text('assigned_engine_id'),
    tags: text('tags').array().notNull().default(sql`'{}'`),
    createdBy: text('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [index('bots_exchange_status_idx').on(t.exchange, t.status), index('bots_created_idx').on(t.createdAt)],
);

export const botStateHistory = pgTable(
  'bot_state_history',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: text('bot_id').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason'),
    source: text('source').notNull(),
    eventId: text('event_id'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('bot_state_history_bot_idx').on(t.botId, t.at)],
);

export const orders = pgTable(
  'orders',
  {
    orderId: text('order_id').primaryKey(),
    clientOrderId: text('client_order_id').notNull(),
    exchangeOrderId: text('exchange_order_id'),
    exchange: text('exchange').notNull(),
    botId: text('bot_id').notNull(),
    instrumentId: text('instrument_id').notNull(),
    symbol: text('symbol'),
    outcome: text('outcome'),
    side: text('side').notNull(),
    type: text('type').notNull(),
    price: numeric('price'),
    quantity: numeric('quantity').notNull(),
    filledQuantity: numeric('filled_quantity').notNull(),
    averageFillPrice: numeric('average_fill_price'),
    status: text('status').notNull(),
    statusReason: text('status_reason'),
    source: text('source').notNull(),
    mode: text('mode').notNull(),
    fee: numeric('fee'),
    feeCurrency: text('fee_currency'),
    reduceOnly: boolean('reduce_only'),
    leverage: integer('leverage'),
    marginMode: text('margin_mode'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('orders_bot_created_idx').on(t.botId, t.createdAt),
    index('orders_exchange_created_idx').on(t.exchange, t.createdAt),
    index('orders_exchange_status_idx').on(t.exchange, t.status, t.createdAt),
  ],
);

export const fills = pgTable(
  'fills',
  {
    fillId: text('fill_id').primaryKey(),
    orderId: text('order_id').notNull(),
    exchangeTradeId: text('exchange_trade_id'),
    exchange: text('exchange').notNull(),
    botId: text('bot_id').notNull(),
    instrumentId: text('instrument_id').notNull(),
    outcome: text('outcome'),
    side: text('side').notNull(),
    price: numeric('price').notNull(),
    quantity: numeric('quantity').notNull(),
    fee: numeric('fee').notNull(),
    feeCurrency: text('fee_currency').notNull(),
    role: text('role').notNull(),
    mode: text('mode').notNull(),
    realizedPnl: numeric('realized_pnl'),
    timestamp: ts('ts').notNull(),
  },
  (t) => [
    index('fills_bot_ts_idx').on(t.botId, t.timestamp),
    index('fills_exchange_ts_idx').on(t.exchange, t.timestamp),
    index('fills_order_idx').on(t.orderId),
  ],
);

export const positions = pgTable(
  'positions',
  {
    botId: text('bot_id').notNull(),
    instrumentId: text('instrument_id').notNull(),
    outcome: text('outcome').notNull().default(''),
    exchange: text('exchange').notNull(),
    side: text('side').notNull(),
    quantity: numeric('quantity').notNull(),
    averageEntryPrice: numeric('average_entry_price').notNull(),
    markPrice: numeric('mark_price'),
    realizedPnl: numeric('realized_pnl').notNull(),
    unrealizedPnl: numeric('unrealized_pnl').notNull(),
    fees: numeric('fees').notNull(),
    funding: numeric('funding'),
    leverage: integer('leverage'),
    marginMode: text('margin_mode'),
    liquidationPrice: numeric('liquidation_price'),
    margin: numeric('margin'),
    mode: text('mode').notNull(),
    markAt: bigint('mark_at', { mode: 'number' }),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.instrumentId, t.outcome] }), index('positions_exchange_idx').on(t.exchange)],
);

export const pnlSnapshots = pgTable(
  'pnl_snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: text('bot_id').notNull(),
    exchange: text('exchange').notNull(),
    mode: text('mode').notNull(),
    currency: text('currency').notNull(),
    realizedPnl: numeric('realized_pnl').notNull(),
    unrealizedPnl: numeric('unrealized_pnl').notNull(),
    totalPnl: numeric('total_pnl').notNull(),
    fees: numeric('fees').notNull(),
    funding: numeric('funding'),
    equity: numeric('equity').notNull(),
    volume: numeric('volume'),
    tradeCount: integer('trade_count'),
    drawdownPct: numeric('drawdown_pct'),
    timestamp: ts('ts').notNull(),
  },
  (t) => [index('pnl_bot_ts_idx').on(t.botId, t.timestamp), index('pnl_exchange_ts_idx').on(t.exchange, t.timestamp)],
);

export const enginesSeen = pgTable('engines_seen', {
  engineId: text('engine_id').primaryKey(),
  info: jsonb('info').notNull().$type<Record<string, unknown>>(),
  status: text('status').notNull(),
  firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: text('user_id'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    exchange: text('exchange'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('audit_at_idx').on(t.at), index('audit_user_idx').on(t.userId, t.at)],
);

export const notifications = pgTable(
  'notifications',
  {
    notificationId: text('notification_id').primaryKey(),
    type: text('type').notNull(),
    severity: text('severity').notNull(),
    exchange: text('exchange'),
    botId: text('bot_id'),
    title: text('title').notNull(),
    message: text('message').notNull(),
    isRead: boolean('is_read').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('notifications_exchange_idx').on(t.exchange, t.createdAt)],
);

export const botLogs = pgTable(
  'bot_logs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    botId: text('bot_id').notNull(),
    exchange: text('exchange'),
    level: text('level').notNull(),
    message: text('message').notNull(),
    timestamp: ts('ts').notNull(),
  },
  (t) => [index('bot_logs_bot_ts_idx').on(t.botId, t.timestamp)],
);

export const processedEvents = pgTable('processed_events', {
  eventId: text('event_id').primaryKey(),
  type: text('type').notNull(),
  processedAt: ts('processed_at').notNull().defaultNow(),
});

/** 0002_backtests.sql. Queried with raw SQL in services/backtests/ (row type BacktestRow there). */
export const backtests = pgTable(
  'backtests',
  {
    backtestId: text('backtest_id').primaryKey(),
    status: text('status').notNull(),
    progress: doublePrecision('progress').notNull().default(0),
    strategy: text('strategy').notNull(),
    datasetId: text('dataset_id').notNull(),
    exchanges: text('exchanges').array().notNull(),
    request: jsonb('request').notNull().$type<Record<string, unknown>>(),
    stats: jsonb('stats').$type<Record<string, unknown>>(),
    equity: jsonb('equity').notNull().default(sql`'[]'`).$type<unknown[]>(),
    error: text('error'),
    createdBy: text('created_by'),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [index('backtests_created_idx').on(t.createdAt)],
);

export const schema = {
  users,
  refreshTokens,
  wallets,
  bots,
  botStateHistory,
  orders,
  fills,
  positions,
  pnlSnapshots,
  enginesSeen,
  auditLog,
  notifications,
  botLogs,
  processedEvents,
  backtests,
};
