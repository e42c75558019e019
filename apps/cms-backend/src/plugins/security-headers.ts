/**
 * helmet's security headers (CSP, HSTS, frame, referrer, MIME sniffing, …), computed once at start and set on
 * every reply. @fastify/helmet ran the helmet middleware — which re-parses the CSP directives — on every request:
 * about 7% of the server's CPU on a cached list read. The headers never vary per request here (no CSP nonces),
 * so the result of one run is the same for all. Routes that need another CSP (the OpenAPI UI) set their own
 * header later in the request, which replaces this one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import fp from 'fastify-plugin';
import helmet from 'helmet';

/** Runs helmet once against a recording response and returns the headers it set. */
export async function computeSecurityHeaders(): Promise<Record<string, string>> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
      return recorder;
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  await new Promise<void>((resolve, reject) => {
    // helmet only calls res.setHeader/removeHeader; it never reads the request.
    const request = Object.create(null) as IncomingMessage;
    helmet()(request, recorder as unknown as ServerResponse, (error?: unknown) => {
      if (error === undefined || error === null) resolve();
      else reject(error instanceof Error ? error : new Error('helmet failed'));
    });
  });
  return Object.fromEntries(headers);
}

export const securityHeadersPlugin = fp(async (app) => {
  const headers = await computeSecurityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
});
