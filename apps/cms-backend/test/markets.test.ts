/**
 * GET /api/exchanges/:exchange/markets against a started exchange simulator (real HTTP): the OKX instruments of
 * every type and the Polymarket markets with their token ids, tick and minimum sizes, exactly as the venue lists
 * them; a cached answer survives the venue going away within MARKETS_CACHE_MS; a venue that does not answer is a
 * 503 and one that answers nonsense a 502, each with a message naming the exchange.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '@trading/exchange-sim';
import { validate, type MarketInfo } from '@trading/shared-types';
import { clearMarketCache, listMarkets, type MarketsConfig } from '../src/services/exchanges/markets.js';
import { login, startTestApp, type TestApp } from './helpers.js';

let sim: RunningSimulator;
let t: TestApp;
let token = '';

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

function configFor(okx: string, polymarket: string, cacheMs = 60_000): MarketsConfig {
  return { marketsFile: undefined, okxRestUrl: okx, polymarketClobUrl: polymarket, marketsSource: 'live', marketsCacheMs: cacheMs, marketsTimeoutMs: 2000 };
}

async function venueJson<T>(url: string): Promise<T> {
  return (await fetch(url)).json() as Promise<T>;
}

beforeAll(async () => {
  sim = await startSimulator();
  t = await startTestApp({ logLevel: 'warn', env: { OKX_REST_URL: sim.url, POLYMARKET_CLOB_URL: `${sim.url}/polymarket` } });
  token = (await login(t.app)).token;
});

afterAll(async () => {
  await t.close();
  await sim.close();
});

describe('markets from the venue', () => {
  it('lists every OKX instrument type as the venue does, with tick, lot and minimum sizes', async () => {
    clearMarketCache();
    const res = await t.app.inject({ method: 'GET', url: '/api/exchanges/okx/markets', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ exchange: string; source: string; data: MarketInfo[] }>();
    expect(body.source).toBe('venue');
    const venue: Record<string, string>[] = [];
    for (const type of ['SPOT', 'SWAP', 'FUTURES']) venue.push(...(await venueJson<{ data: Record<string, string>[] }>(`${sim.url}/api/v5/public/instruments?instType=${type}`)).data);
    expect(body.data.map((m) => m.symbol).sort()).toEqual(venue.map((i) => i.instId).sort());
    expect(new Set(body.data.map((m) => m.instType))).toEqual(new Set(venue.map((i) => i.instType)));
    for (const instrument of venue) {
      const market = body.data.find((m) => m.symbol === instrument.instId);
      expect(market).toMatchObject({ instrumentId: `okx:${instrument.instId ?? ''}`, tickSize: instrument.tickSz, lotSize: instrument.lotSz, minSize: instrument.minSz, contractValue: instrument.ctVal === '' ? null : instrument.ctVal });
    }
    const swap = body.data.find((m) => m.symbol === 'BTC-USDT-SWAP');
    expect(swap).toMatchObject({ instType: 'SWAP', base: 'BTC', quote: 'USDT', settleCurrency: 'USDT' });
    for (const market of body.data) expect(validate('MarketInfo', market).ok).toBe(true);
  });

  it('lists the Polymarket markets with their outcome token ids', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/exchanges/polymarket/markets', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const data = res.json<{ data: MarketInfo[] }>().data;
    const venue = (await venueJson<{ data: { condition_id: string; minimum_tick_size: number; minimum_order_size: number; tokens: { token_id: string; outcome: string }[] }[] }>(`${sim.url}/polymarket/markets`)).data;
    expect(venue.length).toBeGreaterThan(0);
    expect(data.map((m) => m.marketId).sort()).toEqual(venue.map((m) => m.condition_id).sort());
    for (const m of venue) {
      const market = data.find((x) => x.marketId === m.condition_id);
      expect(market?.instrumentId).toBe(`polymarket:${m.condition_id}`);
      expect(market?.tickSize).toBe(String(m.minimum_tick_size));
      expect(market?.minSize).toBe(String(m.minimum_order_size));
      expect(market?.tokens?.map((x) => x.tokenId)).toEqual(m.tokens.map((x) => x.token_id));
      expect(market?.tokens?.map((x) => x.instrumentId)).toEqual(m.tokens.map((x) => `polymarket:${x.token_id}`));
    }
  });

  it('serves the cached list while the venue is down, and 503 once nothing is cached', async () => {
    const config = configFor(sim.url, `${sim.url}/polymarket`);
    clearMarketCache();
    const first = await listMarkets('okx', config);
    const restarting = sim.restart(1500);
    await new Promise((r) => setTimeout(r, 100));
    expect(await listMarkets('okx', config)).toBe(first);
    await expect(listMarkets('okx', { ...config, marketsCacheMs: 0 })).rejects.toMatchObject({ statusCode: 503, code: 'EXCHANGE_UNAVAILABLE' });
    await restarting;
  });

  it('answers 503 through the API when the venue does not answer, 502 when it answers wrongly', async () => {
    const down = await startTestApp({ logLevel: 'silent', env: { OKX_REST_URL: `http://127.0.0.1:${String(await closedPort())}`, POLYMARKET_CLOB_URL: sim.url } });
    try {
      const admin = (await login(down.app)).token;
      clearMarketCache();
      const okx = await down.app.inject({ method: 'GET', url: '/api/exchanges/okx/markets', headers: { authorization: `Bearer ${admin}` } });
      expect(okx.statusCode).toBe(503);
      expect(okx.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', message: expect.stringContaining('okx did not answer') as unknown });
      // The simulator's root has no /markets: the venue answers, but not with markets.
      const pm = await down.app.inject({ method: 'GET', url: '/api/exchanges/polymarket/markets', headers: { authorization: `Bearer ${admin}` } });
      expect(pm.statusCode).toBe(502);
      expect(pm.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'BAD_GATEWAY', message: expect.stringContaining('polymarket answered') as unknown });
    } finally {
      await down.close();
    }
  });

  it('serves the static catalogue when MARKETS_SOURCE=static', async () => {
    const list = await listMarkets('polymarket', { ...configFor('http://127.0.0.1:1', 'http://127.0.0.1:1'), marketsSource: 'static' });
    expect(list.source).toBe('static-catalogue');
    expect(list.data.length).toBeGreaterThan(0);
    for (const market of list.data) expect(validate('MarketInfo', market).ok).toBe(true);
  });
});
