/** Health and Prometheus endpoints of the engine (node:http; the engine serves nothing else over HTTP). */
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthReport {
  status: 'ok' | 'degraded';
  [key: string]: unknown;
}

export interface HttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(options: {
  host: string;
  port: number;
  registry: Registry;
  health: () => HealthReport;
}): Promise<HttpServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/health') {
      const report = options.health();
      // Degraded (fail-closed) is still 200: the process is alive and must not be restarted by the orchestrator.
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(error instanceof Error ? error.message : 'metrics failed'),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
