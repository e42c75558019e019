/** Runs the simulator as a service: `npm run start -w @trading/exchange-sim` (env PORT, HOST, SEED, OKX_*). */
import { pino } from 'pino';
import { z } from 'zod';
import { startSimulator } from './index.js';

const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8100),
    HOST: z.string().default('127.0.0.1'),
    SEED: z.coerce.number().int().default(1),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    OKX_TICK_MS: z.coerce.number().int().min(10).default(100),
    OKX_CHECKSUM: z.enum(['on', 'off']).default('on'),
    OKX_REPLAY_FILE: z.string().optional(),
    OKX_RECORD_FILE: z.string().optional(),
    OKX_RECORD_INST_ID: z.string().default('BTC-USDT-SWAP'),
  })
  .parse(process.env);

const logger = pino({ level: env.LOG_LEVEL });
const sim = await startSimulator({
  port: env.PORT,
  host: env.HOST,
  seed: env.SEED,
  logger,
  okx: {
    tickMs: env.OKX_TICK_MS,
    checksum: env.OKX_CHECKSUM === 'on',
    ...(env.OKX_REPLAY_FILE ? { replay: { file: env.OKX_REPLAY_FILE } } : {}),
    ...(env.OKX_RECORD_FILE ? { record: { instId: env.OKX_RECORD_INST_ID, file: env.OKX_RECORD_FILE } } : {}),
  },
});
logger.info({ url: sim.url, venues: [...sim.venues.keys()], seed: sim.seed }, 'exchange simulator listening');

const shutdown = (signal: string) => {
  logger.info({ signal }, 'shutting down');
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', () => { shutdown('SIGINT'); });
process.on('SIGTERM', () => { shutdown('SIGTERM'); });
