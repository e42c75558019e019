/**
 * Reading the three ledgers at the end of a soak: PostgreSQL (what the workers persisted), the simulator (orders
 * and positions of the live bots' accounts, through its admin API) and the engines' events (the recorder plus the
 * persisted event ids).
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { QUEUE_NAMES } from '@trading/shared-types';

export interface PgOrder {
  orderId: string;
  clientOrderId: string;
  botId: string;
  instrumentId: string;
  side: string;
  status: string;
  statusReason: string | null;
  quantity: string;
  filledQuantity: string;
  mode: string;
  exchange: string;
  createdAt: number;
}

export interface PgFill {
  fillId: string;
  orderId: string;
  exchangeTradeId: string | null;
  botId: string;
  instrumentId: string;
  side: string;
  quantity: string;
  mode: string;
  timestamp: number;
}

export interface PgPosition {
  botId: string;
  instrumentId: string;
  outcome: string;
  side: string;
  quantity: string;
  averageEntryPrice: string;
  realizedPnl: string;
  mode: string;
}

export interface PgBot {
  botId: string;
  name: string;
  mode: string;
  status: string;
  statusReason: string | null;
}

export interface PgLedger {
  orders: PgOrder[];
  fills: PgFill[];
  positions: PgPosition[];
  bots: PgBot[];
  processedEventIds: Set<string>;
}

export async function readPgLedger(databaseUrl: string): Promise<PgLedger> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const orders = await client.query<PgOrder>(
      `SELECT order_id AS "orderId", client_order_id AS "clientOrderId", bot_id AS "botId", instrument_id AS "instrumentId", side, status,
              status_reason AS "statusReason", quantity::text AS quantity, filled_quantity::text AS "filledQuantity", mode, exchange,
              (extract(epoch from created_at) * 1000)::bigint::float8 AS "createdAt"
         FROM orders`,
    );
    const fills = await client.query<PgFill>(
      `SELECT fill_id AS "fillId", order_id AS "orderId", exchange_trade_id AS "exchangeTradeId", bot_id AS "botId",
              instrument_id AS "instrumentId", side, quantity::text AS quantity, mode,
              (extract(epoch from ts) * 1000)::bigint::float8 AS "timestamp" FROM fills`,
    );
    const positions = await client.query<PgPosition>(
      `SELECT bot_id AS "botId", instrument_id AS "instrumentId", outcome, side, quantity::text AS quantity,
              average_entry_price::text AS "averageEntryPrice", realized_pnl::text AS "realizedPnl", mode FROM positions`,
    );
    const bots = await client.query<PgBot>(
      `SELECT bot_id AS "botId", name, mode, status, status_reason AS "statusReason" FROM bots WHERE deleted_at IS NULL`,
    );
    const processed = await client.query<{ eventId: string }>('SELECT event_id AS "eventId" FROM processed_events');
    return {
      orders: orders.rows,
      fills: fills.rows,
      positions: positions.rows,
      bots: bots.rows,
      processedEventIds: new Set(processed.rows.map((r) => r.eventId)),
    };
  } finally {
    await client.end();
  }
}

/** How many engine events the workers have persisted so far (to wait for the pipeline to drain). */
/**
 * Engine events still in the persistence queue (waiting, active, delayed, prioritized): the workers have not
 * committed them yet. Read from BullMQ's keys directly (`<prefix>:bull:engine-events:*`).
 */
export async function pendingEventJobs(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const base = `${prefix}:bull:${QUEUE_NAMES.engineEvents}`;
    const [wait, active, paused, delayed, prioritized] = await Promise.all([
      redis.llen(`${base}:wait`),
      redis.llen(`${base}:active`),
      redis.llen(`${base}:paused`),
      redis.zcard(`${base}:delayed`),
      redis.zcard(`${base}:prioritized`),
    ]);
    return wait + active + paused + delayed + prioritized;
  } finally {
    redis.disconnect();
  }
}

export async function countProcessedEvents(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM processed_events');
    return Number(result.rows[0]?.n ?? '0');
  } finally {
    await client.end();
  }
}

/** One order of a live bot's account at the simulator, as OKX prints it (decimal strings, ms timestamps). */
export interface SimOrder {
  ordId: string;
  clOrdId: string;
  instId: string;
  side: string;
  sz: string;
  accFillSz: string;
  state: string;
  cTime: string;
}

export interface SimPosition {
  instId: string;
  pos: string;
  avgPx: string;
}

export interface SimAccount {
  botId: string;
  apiKey: string;
  orders: SimOrder[];
  positions: SimPosition[];
  balances: Record<string, { cash: string; available: string; frozen: string }>;
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value);
}

export async function readSimAccount(simUrl: string, botId: string, apiKey: string): Promise<SimAccount> {
  const response = await fetch(`${simUrl}/admin/okx/account?apiKey=${encodeURIComponent(apiKey)}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`simulator account ${apiKey}: HTTP ${response.status}`);
  const body = (await response.json()) as { orders?: Record<string, unknown>[]; positions?: Record<string, unknown>[]; balances?: SimAccount['balances'] };
  return {
    botId,
    apiKey,
    orders: (body.orders ?? []).map((o) => ({
      ordId: stringField(o, 'ordId'),
      clOrdId: stringField(o, 'clOrdId'),
      instId: stringField(o, 'instId'),
      side: stringField(o, 'side'),
      sz: stringField(o, 'sz'),
      accFillSz: stringField(o, 'accFillSz'),
      state: stringField(o, 'state'),
      cTime: stringField(o, 'cTime'),
    })),
    positions: (body.positions ?? []).map((p) => ({ instId: stringField(p, 'instId'), pos: stringField(p, 'pos'), avgPx: stringField(p, 'avgPx') })),
    balances: body.balances ?? {},
  };
}
