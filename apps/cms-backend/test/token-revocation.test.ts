/**
 * Logout with per-instance token caches, two API instances on the same PostgreSQL schema and Redis prefix:
 * a token verified (and cached) on instance B is refused by B right after logout on instance A — through the
 * revocation message while B's subscription is live, through the Redis denylist while it is not — and an
 * instance started after the logout loads the denylist before it accepts tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, startPeerApp, startTestApp, waitFor, type TestApp } from './helpers.js';

let t: TestApp;
let peer: Awaited<ReturnType<typeof startPeerApp>>;

async function status(app: TestApp['app'], token: string): Promise<number> {
  return (await app.inject({ method: 'GET', url: '/api/bots', headers: { authorization: `Bearer ${token}` } })).statusCode;
}

async function logout(token: string): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` }, payload: {} });
  expect(res.statusCode, res.body).toBe(200);
}

function jtiOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti: string };
  return payload.jti;
}

beforeAll(async () => {
  t = await startTestApp({ logLevel: 'warn' });
  peer = await startPeerApp(t);
});

afterAll(async () => {
  await peer.close();
  await t.close();
});

describe('logout across instances', () => {
  it('a token cached on instance B is refused by B once A logs it out', async () => {
    const { token } = await login(t.app);
    expect(await status(peer.app, token)).toBe(200);
    expect(await status(peer.app, token)).toBe(200); // now served from B's verified-token cache
    expect(peer.ctx.auth?.live).toBe(true);
    const heard = waitFor(async () => Promise.resolve(peer.ctx.auth?.isRevoked(jtiOf(token)) === true), 5000, 1);
    await logout(token);
    expect(await status(t.app, token)).toBe(401); // the instance that logged out: at once
    await heard; // B: as soon as the published revocation arrives (sub-millisecond on loopback)
    expect(await status(peer.app, token)).toBe(401);
  });

  it('with its subscription down, B checks the Redis denylist per request and refuses at once', async () => {
    const { token } = await login(t.app);
    expect(await status(peer.app, token)).toBe(200);
    peer.sync.subscriber.disconnect();
    await waitFor(async () => Promise.resolve(peer.ctx.auth?.live === false), 5000);
    await logout(token);
    expect(await status(peer.app, token)).toBe(401);
  });

  it('an instance started after the logout loads the denylist before accepting tokens', async () => {
    const { token } = await login(t.app);
    await logout(token);
    const late = await startPeerApp(t);
    try {
      expect(late.ctx.auth?.live).toBe(true);
      expect(late.ctx.auth?.isRevoked(jtiOf(token))).toBe(true);
      expect(await status(late.app, token)).toBe(401);
    } finally {
      await late.close();
    }
  });
});
