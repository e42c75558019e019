/**
 * Backtests: a POST checks the run as the engine would (data set, strategy, config schema and parseConfig), stores
 * it as queued, writes the audit row and queues a BullMQ job; the backtest worker (workers/backtest-worker.ts)
 * runs it. A run is visible to the users who may see every exchange of its data set.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, SchemaValidationError, type Backtest, type BacktestDataset, type BacktestRequest, type BacktestStats, type Exchange, type ListQuery } from '@trading/shared-types';
import { checkDatasetBacktest, datasetWindowError, findBacktestDataset, listBacktestDatasets } from '@trading/trading-engine/backtest';
import type { AppContext } from '../../context.js';
import { badRequest, notFound } from '../../errors.js';
import { createRedis } from '../../redis.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertExchange, visibleExchanges, type Principal } from '../auth/principal.js';
import { bullPrefix } from '../engines/command-bus.js';
import { pageOf, type Page } from '../lists/paginate.js';
import { findStrategy } from '../strategies/catalogue.js';

export interface BacktestRow extends Record<string, unknown> {
  backtest_id: string;
  status: Backtest['status'];
  progress: number;
  strategy: string;
  dataset_id: string;
  exchanges: string[];
  request: BacktestRequest;
  stats: BacktestStats | null;
  equity: Backtest['equity'];
  error: string | null;
  created_by: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

export interface BacktestJob {
  backtestId: string;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toBacktestView(row: BacktestRow, withEquity = true): Backtest {
  return {
    backtestId: row.backtest_id,
    status: row.status,
    progress: row.progress,
    strategy: row.strategy,
    datasetId: row.dataset_id,
    exchanges: row.exchanges as Exchange[],
    request: row.request,
    stats: row.stats,
    equity: withEquity ? row.equity : [],
    error: row.error,
    createdBy: row.created_by,
    createdAt: iso(row.created_at) ?? '',
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export function listDatasets(principal: Principal): BacktestDataset[] {
  const visible = visibleExchanges(principal) as string[];
  return listBacktestDatasets().filter((dataset) => dataset.exchanges.every((exchange) => visible.includes(exchange)));
}

/** One queue per process, opened on the first POST (most API processes never queue a backtest). */
const queues = new WeakMap<AppContext, { queue: Queue<BacktestJob>; connection: Redis }>();

export function backtestQueue(ctx: AppContext): Queue<BacktestJob> {
  let entry = queues.get(ctx);
  if (!entry) {
    const connection = createRedis(ctx.config, { maxRetriesPerRequest: null });
    const queue = new Queue<BacktestJob>(QUEUE_NAMES.backtests, {
      connection,
      prefix: bullPrefix(ctx.config.redisPrefix),
      // A backtest is deterministic: a failed run fails again, so no retries.
      defaultJobOptions: { attempts: 1, removeOnComplete: { age: 86_400, count: 1000 }, removeOnFail: { age: 7 * 86_400 } },
    });
    entry = { queue, connection };
    queues.set(ctx, entry);
  }
  return entry.queue;
}

export async function closeBacktestQueue(ctx: AppContext): Promise<void> {
  const entry = queues.get(ctx);
  if (!entry) return;
  queues.delete(ctx);
  await entry.queue.close();
  entry.connection.disconnect();
}

export async function createBacktest(ctx: AppContext, principal: Principal, body: BacktestRequest, ip: string | null): Promise<Backtest> {
  if (findStrategy(body.strategy) === undefined) throw badRequest(`strategy: unknown strategy "${body.strategy}"`, [{ field: 'strategy', message: `strategy: unknown strategy "${body.strategy}"` }]);
  const dataset = findBacktestDataset(body.datasetId);
  if (dataset === undefined) throw badRequest(`datasetId: unknown data set "${body.datasetId}" (see GET /api/backtests/datasets)`, [{ field: 'datasetId', message: `datasetId: unknown data set "${body.datasetId}"` }]);
  for (const exchange of dataset.exchanges) assertExchange(principal, exchange);
  const windowError = datasetWindowError({ datasetId: body.datasetId, ...(body.from !== undefined ? { from: body.from } : {}), ...(body.to !== undefined ? { to: body.to } : {}) });
  if (windowError !== null) throw badRequest(`from/to: ${windowError}`, [{ field: body.from !== undefined ? 'from' : 'to', message: `from/to: ${windowError}` }]);
  try {
    checkDatasetBacktest({
      strategy: body.strategy,
      datasetId: body.datasetId,
      ...(body.config ? { config: body.config } : {}),
      ...(body.exchangeConfig ? { exchangeConfig: body.exchangeConfig } : {}),
    });
  } catch (error) {
    if (error instanceof SchemaValidationError) {
      const details = error.issues.map((issue) => ({ field: issue.field === '' ? 'config' : `config.${issue.field}`, rule: issue.rule, message: `config.${issue.message}` }));
      throw badRequest(`invalid config: ${details.map((d) => d.message).join('; ')}`, details);
    }
    const message = error instanceof Error ? error.message : String(error);
    throw badRequest(`invalid config: ${message}`, [{ field: 'config', message: `config: ${message}` }]);
  }
  const backtestId = randomUUID();
  const [row] = await ctx.db.transaction(async (q) => {
    const rows = await q.query<BacktestRow>(
      `INSERT INTO backtests (backtest_id, status, progress, strategy, dataset_id, exchanges, request, created_by)
       VALUES ($1, 'queued', 0, $2, $3, $4, $5, $6) RETURNING *`,
      [backtestId, body.strategy, body.datasetId, dataset.exchanges, JSON.stringify(body), principal.userId],
    );
    await recordAudit(q, { userId: principal.userId, action: 'backtest.create', entityType: 'backtest', entityId: backtestId, exchange: dataset.exchanges.length === 1 ? (dataset.exchanges[0] ?? null) : null, after: body, ip });
    return rows;
  });
  if (!row) throw new Error('backtest insert returned no row');
  await backtestQueue(ctx).add('backtest', { backtestId }, { jobId: backtestId });
  return toBacktestView(row);
}

/** Runs whose exchanges all lie in the caller's scope (exchanges <@ visible), newest first; without equity curves. */
export async function listBacktests(ctx: AppContext, principal: Principal, query: ListQuery): Promise<Page<Backtest>> {
  const { page, limit } = pageOf(query);
  const visible = visibleExchanges(principal).filter((exchange) => query.exchange === undefined || query.exchange === 'all' || exchange === query.exchange);
  const conditions = ['exchanges <@ $1::text[]'];
  const params: unknown[] = [visible];
  if (query.strategy !== undefined) {
    params.push(query.strategy);
    conditions.push(`strategy = $${String(params.length)}`);
  }
  if (query.status !== undefined) {
    params.push(query.status);
    conditions.push(`status = $${String(params.length)}`);
  }
  const where = conditions.join(' AND ');
  const order = query.order === 'asc' ? 'ASC' : 'DESC';
  const [rows, counted] = await Promise.all([
    ctx.db.query<BacktestRow>(
      `SELECT backtest_id, status, progress, strategy, dataset_id, exchanges, request, stats, '[]'::jsonb AS equity, error, created_by, created_at, started_at, finished_at
       FROM backtests WHERE ${where} ORDER BY created_at ${order}, backtest_id LIMIT ${String(limit)} OFFSET ${String((page - 1) * limit)}`,
      params,
    ),
    ctx.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM backtests WHERE ${where}`, params),
  ]);
  const total = Number(counted[0]?.n ?? 0);
  return { data: rows.map((row) => toBacktestView(row, false)), total, page, limit, totalPages: Math.ceil(total / limit) };
}

export async function getBacktest(ctx: AppContext, principal: Principal, backtestId: string): Promise<Backtest> {
  const [row] = await ctx.db.query<BacktestRow>('SELECT * FROM backtests WHERE backtest_id = $1', [backtestId]);
  const visible = visibleExchanges(principal) as string[];
  // Out of scope reads as absent, as for bots: the caller learns nothing about runs it may not see.
  if (!row || !row.exchanges.every((exchange) => visible.includes(exchange))) throw notFound(`backtest ${backtestId}`);
  return toBacktestView(row);
}
