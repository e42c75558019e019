/**
 * BullMQ worker of QUEUE_NAMES.backtests: each job runs one stored backtest in a forked child process
 * (backtest-child.ts, the engine's runner as a library), writes its progress to the row at most every
 * PROGRESS_EVERY_MS (and on every 5 % step) and publishes it on REDIS_CHANNELS.backtestProgress for Socket.IO, then
 * stores the report's statistics and equity curve. One run at a time per worker: the replay is CPU-bound.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { QUEUE_NAMES, REDIS_CHANNELS, assertValid, type BacktestProgress, type BacktestStats, type Backtest } from '@trading/shared-types';
import type { AppContext } from '../context.js';
import { createRedis } from '../redis.js';
import type { BacktestJob, BacktestRow } from '../services/backtests/manage-backtests.js';
import { bullPrefix } from '../services/engines/command-bus.js';
import type { ChildInput, ChildMessage } from './backtest-child.js';

const PROGRESS_EVERY_MS = 250;
/** A run on the committed data sets takes about a second; a run that is still going after this is stuck. */
const RUN_TIMEOUT_MS = 10 * 60_000;

export interface BacktestWorker {
  close(): Promise<void>;
}

/** src/*.ts under tsx or vitest, dist/*.js when built: fork the sibling of this very file. */
function childEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) return { path: self.replace(/backtest-worker\.ts$/, 'backtest-child.ts'), execArgv: ['--import', 'tsx'] };
  return { path: self.replace(/backtest-worker\.js$/, 'backtest-child.js'), execArgv: [] };
}

function runChild(input: ChildInput, onProgress: (fraction: number) => void): Promise<{ summary: unknown; equity: unknown }> {
  const entry = childEntry();
  return new Promise((resolve, reject) => {
    const child = fork(entry.path, [], { execArgv: entry.execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let settled = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const timer = setTimeout(() => {
      finish(new Error(`backtest did not finish within ${String(RUN_TIMEOUT_MS / 1000)} s`));
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    const finish = (error: Error | null, result?: { summary: unknown; equity: unknown }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else if (result) resolve(result);
    };
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') onProgress(message.total === 0 ? 1 : message.done / message.total);
      else if (message.type === 'done') finish(null, { summary: message.summary, equity: message.equity });
      else finish(new Error(message.message));
    });
    child.on('error', (error) => {
      finish(error);
    });
    child.on('exit', (code, signal) => {
      finish(new Error(`backtest process exited (${signal ?? `code ${String(code)}`}) without a result${stderr === '' ? '' : `: ${stderr.trim()}`}`));
    });
    child.send(input);
  });
}

function definedEntries(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out;
}

async function publish(ctx: AppContext, progress: BacktestProgress): Promise<void> {
  await ctx.redis.publish(ctx.key(REDIS_CHANNELS.backtestProgress), JSON.stringify(progress));
}

export async function runBacktestJob(ctx: AppContext, backtestId: string): Promise<'done' | 'failed'> {
  const [row] = await ctx.db.query<BacktestRow>('SELECT * FROM backtests WHERE backtest_id = $1', [backtestId]);
  if (!row) throw new UnrecoverableError(`backtest ${backtestId} does not exist`);
  await ctx.db.query("UPDATE backtests SET status = 'running', progress = 0, started_at = now(), error = NULL WHERE backtest_id = $1", [backtestId]);
  await publish(ctx, { backtestId, status: 'running', progress: 0, error: null });
  let lastWrite = 0;
  let lastFraction = 0;
  let writing: Promise<void> = Promise.resolve();
  const onProgress = (fraction: number): void => {
    const now = Date.now();
    // Throttled: the runner reports up to 200 times a run; the row and the sockets need a few updates a second.
    if (fraction < 1 && now - lastWrite < PROGRESS_EVERY_MS && fraction - lastFraction < 0.05) return;
    lastWrite = now;
    lastFraction = fraction;
    const progress = Math.min(0.99, fraction);
    writing = writing
      .then(async () => {
        await ctx.db.query("UPDATE backtests SET progress = $2 WHERE backtest_id = $1 AND status = 'running'", [backtestId, progress]);
        await publish(ctx, { backtestId, status: 'running', progress, error: null });
      })
      .catch((error: unknown) => {
        ctx.log.warn({ backtestId, error: error instanceof Error ? error.message : String(error) }, 'backtest progress write failed');
      });
  };
  const request = row.request;
  const input: ChildInput = {
    strategy: request.strategy,
    datasetId: request.datasetId,
    ...(request.config ? { config: request.config } : {}),
    ...(request.exchangeConfig ? { exchangeConfig: request.exchangeConfig } : {}),
    ...(request.riskLimits ? { riskLimits: Object.fromEntries(Object.entries(request.riskLimits)) } : {}),
    ...(request.initialBalances ? { initialBalances: definedEntries(request.initialBalances) } : {}),
    ...(request.leverage !== undefined ? { leverage: request.leverage } : {}),
    ...(request.latencyMs !== undefined ? { latencyMs: request.latencyMs } : {}),
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(request.to !== undefined ? { to: request.to } : {}),
  };
  try {
    const result = await runChild(input, onProgress);
    await writing;
    // Validated before it is stored: the row is what GET returns, so it must match schemas/entities/backtest.json.
    const stats: BacktestStats = assertValid('BacktestStats', result.summary);
    const equity = (result.equity as Backtest['equity']).map((point) => ({ time: point.time, equity: point.equity, drawdownPct: point.drawdownPct }));
    await ctx.db.query("UPDATE backtests SET status = 'done', progress = 1, stats = $2, equity = $3, finished_at = now() WHERE backtest_id = $1", [backtestId, JSON.stringify(stats), JSON.stringify(equity)]);
    await publish(ctx, { backtestId, status: 'done', progress: 1, error: null });
    return 'done';
  } catch (error) {
    await writing;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    await ctx.db.query("UPDATE backtests SET status = 'failed', error = $2, finished_at = now() WHERE backtest_id = $1", [backtestId, message]);
    const [current] = await ctx.db.query<{ progress: number }>('SELECT progress FROM backtests WHERE backtest_id = $1', [backtestId]);
    await publish(ctx, { backtestId, status: 'failed', progress: current?.progress ?? 0, error: message });
    ctx.log.warn({ backtestId, error: message }, 'backtest failed');
    return 'failed';
  }
}

export function startBacktestWorker(ctx: AppContext): BacktestWorker {
  const connection = createRedis(ctx.config, { maxRetriesPerRequest: null });
  const worker = new Worker<BacktestJob>(QUEUE_NAMES.backtests, async (job: Job<BacktestJob>) => runBacktestJob(ctx, job.data.backtestId), {
    connection,
    prefix: bullPrefix(ctx.config.redisPrefix),
    concurrency: 1,
    // Runs last about a second; the lock is renewed while a long one runs.
    lockDuration: 60_000,
  });
  worker.on('error', (error) => {
    ctx.log.error({ error: error.message }, 'backtest worker error');
  });
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
