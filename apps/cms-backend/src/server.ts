/** Entry point of `npm start`: load config, build the app, start Socket.IO and (unless WORKERS=off) the workers, listen. */
import { ConfigError, loadConfig, type AppConfig } from './config/env.js';
import { buildApp, startServices } from './app.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cms-backend: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const { app, ctx } = await buildApp({ config });
  const services = await startServices(app, ctx, config.workers);
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    services
      .close()
      .then(() => app.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`cms-backend failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
