/** Separate entry for the BullMQ event and backtest workers (`npm run worker`), for running them apart from the API. */
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config/env.js';
import type { AppContext } from './context.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { loggerOptions } from './logger.js';
import { createRedis, prefixedKey } from './redis.js';
import { createCommandBus } from './services/engines/command-bus.js';
import { startBacktestWorker } from './workers/backtest-worker.js';
import { startEventWorkers } from './workers/engine-events-worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino(loggerOptions(config.logLevel));
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir, poolSize: 20 });
  await migrate(db);
  const redis = createRedis(config);
  const commands = createCommandBus(redis, config.redisPrefix);
  const ctx: AppContext = { config, db, redis, commands, log, cache: null, auth: null, key: (n) => prefixedKey(config.redisPrefix, n) };
  const workers = startEventWorkers(ctx);
  const backtests = startBacktestWorker(ctx);
  log.info({ concurrency: config.workerConcurrency }, 'engine event and backtest workers started');
  const stop = () => {
    void workers
      .close()
      .then(() => backtests.close())
      .then(() => commands.close())
      .then(() => db.close())
      .finally(() => {
        redis.disconnect();
        process.exit(0);
      });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`cms-backend worker: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
