/**
 * The one error shape {"error": {code, message, details}} for everything: our ApiErrors, Fastify's own 4xx
 * (bad JSON, rate limit, 404 route), and a bare 500 that never echoes internals or a stack.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';

const ALLOWED = new Set([400, 401, 403, 404, 409, 422, 429]);

export const errorsPlugin = fp((app: FastifyInstance, _opts: unknown, done: (err?: Error) => void) => {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 429) {
      return reply.code(429).send({ error: { code: 'RATE_LIMITED', message: 'too many requests, retry later' } });
    }
    if (status >= 400 && status < 500) {
      const code = typeof error.code === 'string' && error.code !== '' ? error.code : 'BAD_REQUEST';
      // Fastify's messages for these are generic and safe (no values echoed beyond the header names).
      return reply.code(ALLOWED.has(status) ? status : 400).send({ error: { code, message: error.message.slice(0, 300) } });
    }
    request.log.error({ err: { type: error.name, message: error.message, stack: error.stack } }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'NOT_FOUND', message: `route ${request.method} ${request.url.split('?')[0] ?? ''} not found` } });
  });
  // Empty JSON bodies (dashboards send Content-Type with no body on action POSTs) are "no body", not a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 1_048_576 }, (_request, body, parsed) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      parsed(null, undefined);
      return;
    }
    try {
      parsed(null, JSON.parse(text, (key, value: unknown) => (key === '__proto__' || key === 'constructor' ? undefined : value)));
    } catch {
      parsed(new ApiError(400, 'INVALID_JSON', 'body is not valid JSON'), undefined);
    }
  });
  done();
});
