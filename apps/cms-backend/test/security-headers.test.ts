/** Security headers on every answer (API, errors, OpenAPI UI), as helmet's defaults define them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSecurityHeaders } from '../src/plugins/security-headers.js';
import { login, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('security headers', () => {
  it('are helmet defaults: CSP, HSTS, nosniff, frame and referrer policies', async () => {
    const headers = await computeSecurityHeaders();
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['referrer-policy']).toBe('no-referrer');
  });

  it('are sent on successful reads, on refusals and on unknown routes', async () => {
    const expected = await computeSecurityHeaders();
    const { token } = await login(t.app);
    const answers = [
      await t.app.inject({ method: 'GET', url: '/api/bots', headers: { authorization: `Bearer ${token}` } }),
      await t.app.inject({ method: 'GET', url: '/api/bots' }),
      await t.app.inject({ method: 'GET', url: '/api/nope' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 404]);
    for (const answer of answers) {
      for (const [name, value] of Object.entries(expected)) expect(answer.headers[name]).toBe(value);
    }
  });

  it('lets the OpenAPI UI use its own content security policy', async () => {
    const ui = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-security-policy']).not.toBe((await computeSecurityHeaders())['content-security-policy']);
    expect(ui.headers['x-content-type-options']).toBe('nosniff');
  });
});
