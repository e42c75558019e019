/** prom-client registry: default Node metrics (prefix cms_), HTTP duration by route, and worker counters. */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'cms_' });

const httpDuration = new Histogram({
  name: 'cms_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const eventsProcessed = new Counter({
  name: 'cms_engine_events_total',
  help: 'Engine events handled by the workers, by type and outcome',
  labelNames: ['type', 'outcome'],
  registers: [metricsRegistry],
});

export const relayMessages = new Counter({
  name: 'cms_relay_messages_total',
  help: 'Pub/sub messages relayed to Socket.IO (or dropped as malformed)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

export const metricsPlugin = fp((app: FastifyInstance, _opts: unknown, done: (err?: Error) => void) => {
  app.addHook('onResponse', (request, reply, next) => {
    httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    next();
  });
  done();
});
