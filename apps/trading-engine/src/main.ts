/**
 * Entry point of the engine service (`npm run start -w @trading/trading-engine`, built: dist/main.js): load and
 * validate the configuration, build the kernel, start the Redis bridge and the health/metrics server, and stop
 * cleanly on SIGTERM/SIGINT (hand bots over, leave the registry).
 */
import { readFileSync } from 'node:fs';
import { EngineService } from './bridge/engine-service.js';
import type { EngineKernel } from './bridge/engine-kernel.js';
import { RealKernel } from './bridge/kernel-adapter.js';
import { createRedis, KeySpace } from './bridge/redis-connection.js';
import { RedisOrderIdStore, polymarketOrderIdsKey } from './bridge/redis-order-id-store.js';
import { subscribeSignals, type SignalSubscriber } from './bridge/signal-subscriber.js';
import { StandaloneKernel } from './bridge/standalone-kernel.js';
import { ConfigError, loadConfig, type EngineConfig } from './service/config.js';
import { startHttpServer } from './service/http-server.js';
import { createLogger } from './service/logger.js';
import { createMetrics } from './service/metrics.js';
import { wireRealKernel } from './service/real-kernel-wiring.js';
import type { VenueConnections } from './service/venues.js';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function main(): Promise<void> {
  let config: EngineConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', msg: 'invalid configuration', problems: error.problems })}\n`,
      );
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.engineId, config.logLevel);
  const metrics = createMetrics();
  let kernel: EngineKernel;
  let venues: VenueConnections | null = null;
  if (config.kernel === 'standalone') {
    log.warn('ENGINE_KERNEL=standalone: the stand-in paper kernel (demo bots, no market data)');
    kernel = new StandaloneKernel(config.engineId);
  } else {
    if (config.demoEncryptionKey)
      log.warn('ENCRYPTION_KEY is unset: live credentials are opened with the offline demo key (never in production)');
    else if (config.encryptionKeys.length === 0)
      log.warn('ENCRYPTION_KEY is unset: live bots will be refused (paper bots only)');
    // Live Polymarket bots keep their client-id ↔ order-hash map in Redis: an engine adopting one after a failover
    // recognises the dead run's orders by client order id and cancels them.
    const keySpace = new KeySpace(config.redisPrefix);
    const orderIdRedis = createRedis(config, { maxRetriesPerRequest: 1 });
    orderIdRedis.on('error', () => undefined);
    const wired = wireRealKernel({
      orderIdStore: (botId) => new RedisOrderIdStore(orderIdRedis, polymarketOrderIdsKey(keySpace, botId)),
      engineId: config.engineId,
      supportedExchanges: config.supportedExchanges,
      endpoints: config.endpoints,
      okxFundingReadMs: config.okxFundingReadMs,
      encryptionKeys: config.encryptionKeys,
      metrics,
      kernel: { paper: { queueModel: config.paperQueue.model, queueExponent: config.paperQueue.exponent } },
      onStatus: (exchange, status, reason) => {
        log.info({ exchange, status, reason }, 'exchange status');
      },
    });
    kernel = wired.kernel;
    const connections = wired.venues;
    venues = connections;
    // Connect before taking commands, so a bot start finds its instruments; failures are retried in the background.
    await connections.connect();
    log.info(
      { exchanges: config.supportedExchanges },
      'real trading kernel on the venue adapters (paper, market data, live bots with their own accounts)',
    );
  }
  const service = new EngineService(
    { ...config, version: version(), httpPort: config.port },
    kernel,
    log,
    metrics,
  );
  const http = await startHttpServer({
    host: config.host,
    port: config.port,
    registry: metrics.registry,
    health: () => service.healthReport(),
  });
  await service.start();
  let signals: SignalSubscriber | null = null;
  if (venues && kernel instanceof RealKernel) {
    for (const [exchange, status] of venues.statuses())
      kernel.reportExchangeStatus(exchange, status, 'engine started');
    const real = kernel;
    signals = await subscribeSignals(
      config,
      (signal) => {
        const bots = real.deliverSignal(signal);
        log.debug({ signalId: signal.signalId, source: signal.source, bots }, 'signal delivered');
      },
      (channel, problem) => {
        log.warn({ channel, problem }, 'invalid trading signal dropped');
      },
    );
  }
  log.info({ port: http.port }, 'engine service started');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 50_000);
    force.unref();
    service
      .stop(`shutdown (${signal})`)
      .then(() => http.close())
      .then(() => signals?.close())
      .then(() => venues?.close())
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error({ error: String(error) }, 'stop failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', msg: 'engine failed to start', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
