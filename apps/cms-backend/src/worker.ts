/** Separate entry for the BullMQ event workers (`npm run worker`), for running them apart from the API. */
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { ConfigError, loadConfig } from './config/env.js';
import type { AppContext } from './context.js';
import { openDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { loggerOptions } from './logger.js';
import { createCommandBus } from './services/engines/command-bus.js';
import { startEventWorkers } from './workers/engine-events-worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino(loggerOptions(config.logLevel));
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir, poolSize: 20 });
  await migrate(db);
  const redis = new Redis(config.redisUrl);
  const commands = createCommandBus(redis, config.redisPrefix);
  const ctx: AppContext = { config, db, redis, commands, log, key: (n) => (config.redisPrefix === '' ? n : `${config.redisPrefix}:${n}`) };
  const workers = startEventWorkers(ctx);
  log.info({ concurrency: config.workerConcurrency }, 'engine event workers started');
  const stop = () => {
    void workers
      .close()
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
