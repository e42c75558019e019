/**
 * Socket.IO relay scoping over a real port: the relay psubscribes te:*, validates each message, and a client only
 * receives events of exchanges its role and scope allow. A polymarket-only viewer never sees an okx event, even
 * by asking for an okx bot's room; malformed messages are dropped with a log line; no token, no connection. With two
 * CMS instances on one Redis, each client gets each engine event once (from its own instance's relay).
 */
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices } from '../src/app.js';
import { login, startPeerApp, startTestApp, waitFor, type TestApp } from './helpers.js';

let t: TestApp;
let admin: Socket;
let viewer: Socket;
const got: Record<'admin' | 'viewer', { type: string; eventId: string }[]> = { admin: [], viewer: [] };
let okxBot = '';

function open(token: string | undefined): Socket {
  return connect(t.baseUrl ?? '', { transports: ['websocket'], auth: token ? { token } : {}, reconnection: false, forceNew: true });
}

function event(eventId: string, exchange: 'okx' | 'polymarket', botId: string | null) {
  return {
    eventId, engineId: 'te-1', exchange, botId, timestamp: Date.now(), type: 'bot-log',
    payload: { level: 'info', message: `hello ${exchange}` },
  };
}

beforeAll(async () => {
  t = await startTestApp({ listen: true, services: true, logLevel: 'info' });
  const adminToken = (await login(t.app)).token;
  await t.app.inject({ method: 'POST', url: '/api/users', headers: { authorization: `Bearer ${adminToken}` }, payload: { email: 'pm@example.com', password: 'password-123', role: 'viewer', allowedExchanges: ['polymarket'] } });
  const viewerToken = (await login(t.app, 'pm@example.com', 'password-123')).token;
  okxBot = (
    await t.app.inject({ method: 'POST', url: '/api/bots', headers: { authorization: `Bearer ${adminToken}` }, payload: { name: 'o', exchange: 'okx', strategy: 'market-making', mode: 'paper', config: { spread: 0.01, orderSize: 1 }, riskLimits: { maxDailyLoss: 1, maxDrawdown: 1, maxPositionSize: 1 } } })
  ).json<{ botId: string }>().botId;
  admin = open(adminToken);
  viewer = open(viewerToken);
  for (const [name, socket] of [['admin', admin], ['viewer', viewer]] as const) {
    socket.onAny((type: string, payload: { eventId: string }) => {
      got[name].push({ type, eventId: payload.eventId });
    });
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => {
        resolve();
      });
      socket.on('connect_error', reject);
    });
  }
});
afterAll(async () => {
  admin.disconnect();
  viewer.disconnect();
  await t.close();
});

describe('socket scoping', () => {
  it('refuses a handshake without a valid token', async () => {
    const anon = open(undefined);
    const error = await new Promise<Error>((resolve) => anon.on('connect_error', resolve));
    expect(error.message).toMatch(/authentication required/);
    anon.disconnect();
    const forged = open('not-a-jwt');
    const error2 = await new Promise<Error>((resolve) => forged.on('connect_error', resolve));
    expect(error2.message).toMatch(/invalid or expired/);
    forged.disconnect();
  });

  it('a viewer cannot join an okx bot room', async () => {
    const reply = (await viewer.emitWithAck('subscribe:bot', okxBot)) as { ok: boolean };
    expect(reply.ok).toBe(false);
    const adminReply = (await admin.emitWithAck('subscribe:bot', okxBot)) as { ok: boolean };
    expect(adminReply.ok).toBe(true);
  });

  it('okx events reach the admin only; polymarket events reach both; malformed ones nobody', async () => {
    const publish = (channel: string, message: string) => t.ctx.redis.publish(t.ctx.key(channel), message);
    await publish('te:bot-log:te-1', JSON.stringify(event('e-okx', 'okx', okxBot)));
    await publish('te:bot-log:te-1', JSON.stringify(event('e-okx-nobot', 'okx', null)));
    await publish('te:bot-log:te-1', '{not json');
    await publish('te:bot-log:te-1', JSON.stringify({ type: 'bot-log', eventId: 'e-bad', exchange: 'polymarket' }));
    await publish('te:bot-log:te-1', JSON.stringify(event('e-pm', 'polymarket', 'some-bot')));
    await waitFor(() => Promise.resolve((got.viewer.some((e) => e.eventId === 'e-pm') && got.admin.some((e) => e.eventId === 'e-pm')) || null));
    expect(got.admin.map((e) => e.eventId).sort()).toEqual(['e-okx', 'e-okx-nobot', 'e-pm']);
    expect(got.viewer.map((e) => e.eventId)).toEqual(['e-pm']);
    expect(got.admin.find((e) => e.eventId === 'e-okx')?.type).toBe('bot-log');
    expect(t.logs.text()).toContain('relay: dropped a message that is not JSON');
    expect(t.logs.text()).toContain('relay: dropped a message that is not an EngineEvent');
  });

  it('logout drops the sockets opened with that token', async () => {
    const { token } = await login(t.app, 'pm@example.com', 'password-123');
    const socket = open(token);
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => {
        resolve();
      });
      socket.on('connect_error', reject);
    });
    const closed = new Promise<string>((resolve) => socket.on('disconnect', resolve));
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(await closed).toBe('io server disconnect');
    const again = open(token);
    const error = await new Promise<Error>((resolve) => again.on('connect_error', resolve));
    expect(error.message).toMatch(/invalid or expired/);
    again.disconnect();
  });

  it('with a second CMS instance on the same Redis, every client gets each engine event exactly once', async () => {
    const peer = await startPeerApp(t);
    const peerServices = await startServices(peer.app, peer.ctx, false);
    await peer.app.listen({ host: '127.0.0.1', port: 0 });
    const address = peer.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const onPeer = connect(`http://127.0.0.1:${String(address.port)}`, { transports: ['websocket'], auth: { token: (await login(t.app)).token }, reconnection: false, forceNew: true });
    const seen: Record<'here' | 'peer', string[]> = { here: [], peer: [] };
    const onHere = (type: string, payload: { eventId?: string; marker?: string }) => {
      seen.here.push(type === 'marker' ? `marker:${payload.marker ?? ''}` : (payload.eventId ?? ''));
    };
    admin.onAny(onHere);
    onPeer.onAny((type: string, payload: { eventId?: string; marker?: string }) => {
      seen.peer.push(type === 'marker' ? `marker:${payload.marker ?? ''}` : (payload.eventId ?? ''));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        onPeer.on('connect', () => {
          resolve();
        });
        onPeer.on('connect_error', reject);
      });
      await t.ctx.redis.publish(t.ctx.key('te:bot-log:te-1'), JSON.stringify(event('e-once', 'okx', null)));
      await waitFor(() => Promise.resolve((seen.here.includes('e-once') && seen.peer.includes('e-once')) || null));
      // A copy through the other instance's adapter would travel its pub → our sub connection, the same path as a
      // marker broadcast from there afterwards: once both markers are in, any such copy has arrived too.
      const services = t.services;
      if (services === null) throw new Error('no services');
      services.realtime.io.to('exchange:okx').emit('marker' as never, { marker: 'here' });
      peerServices.realtime.io.to('exchange:okx').emit('marker' as never, { marker: 'peer' });
      await waitFor(() => Promise.resolve([seen.here, seen.peer].every((s) => s.includes('marker:here') && s.includes('marker:peer')) || null));
      expect(seen.here.filter((id) => id === 'e-once')).toHaveLength(1);
      expect(seen.peer.filter((id) => id === 'e-once')).toHaveLength(1);
    } finally {
      admin.offAny(onHere);
      onPeer.disconnect();
      await peerServices.close();
      await peer.close();
    }
  });
});
