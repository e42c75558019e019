import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { Decimal } from 'decimal.js';
import { hmacSignature, verifyL1 } from './auth.js';
import { createPolymarketVenue } from './index.js';
import { serveVenue, type ServedVenue } from './serve.js';
import { l1Headers, l2Headers, signOrder } from './testing.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const account = privateKeyToAccount(KEY);
const other = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');
const SECRET = `${'A'.repeat(43)}=`;

describe('L2 HMAC (SDK vectors, polymarket-v2.md §3)', () => {
  it('matches the SDK test vector and the DELETE vector', () => {
    expect(hmacSignature(SECRET, '1000000', 'test-sign', '/orders', '{"hash": "0x123"}')).toBe('ZwAdJKvoYRlEKDkNMwd5BuwNNtg93kNaR_oU2HrfVvc=');
    expect(hmacSignature(SECRET, '1700000000', 'DELETE', '/order', '{"orderID":"0xabc"}')).toBe('ebd_Mp184tE7Z6KPR1h4np8gSxcgEPZ7MeKtDjVwf2g=');
  });
});

describe('L1 ClobAuth', () => {
  it('reproduces the SDK vector and recovers POLY_ADDRESS', async () => {
    const h = await l1Headers(account, 1700000000, 0, 137);
    expect(h.POLY_SIGNATURE).toBe(
      '0xa6eac9a1927262c9ea8ff8e59f701392c16873a714b0f976f1481df77b438a1829c5e7fc70854d68b320b4ca7beff251202adb8ff00ad00456eab408e3a95ce41c',
    );
    const lower = Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
    expect((await verifyL1(lower, 137))?.address).toBe(account.address);
    expect(await verifyL1({ ...lower, poly_address: other.address }, 137)).toBeNull();
    expect(await verifyL1(lower, 80002)).toBeNull();
  });
});

describe('venue auth over HTTP', () => {
  let served: ServedVenue;
  let creds: { apiKey: string; secret: string; passphrase: string };
  const venue = createPolymarketVenue({ seed: 1, now: () => Date.now(), referencePrice: () => new Decimal(100000) }, { defaultMarkets: false });
  const market = venue.addMarket({ question: 'auth test market' });

  beforeAll(async () => {
    served = await serveVenue(venue);
  });
  afterAll(async () => {
    await venue.close();
    await served.close();
  });

  const call = (method: string, path: string, headers: Record<string, string>, body = '') =>
    fetch(`${served.restUrl}${path}`, { method, headers, ...(body === '' ? {} : { body }) });

  it('creates a key with L1 (empty JSON body), refuses a second create, derives the same key', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const r = await call('POST', '/auth/api-key', { ...(await l1Headers(account, ts)), 'content-type': 'application/json', 'content-length': '0' });
    expect(r.status).toBe(200);
    creds = (await r.json()) as typeof creds;
    expect(creds.apiKey).toMatch(/^[0-9a-f-]{36}$/);
    const again = await call('POST', '/auth/api-key', await l1Headers(account, ts));
    expect(again.status).toBe(400);
    const derived = await call('GET', '/auth/derive-api-key', await l1Headers(account, ts));
    expect(await derived.json()).toEqual(creds);
    const forged = { ...(await l1Headers(other, ts)), POLY_ADDRESS: account.address };
    expect((await call('GET', '/auth/derive-api-key', forged)).status).toBe(401);
  });

  it('rejects L2 calls with a wrong HMAC, passphrase, address or unknown key with 401', async () => {
    const good = l2Headers(creds, account.address, 'GET', '/data/orders');
    expect((await call('GET', '/data/orders?next_cursor=MA%3D%3D', good)).status).toBe(200);
    const cases = [
      l2Headers({ ...creds, secret: SECRET }, account.address, 'GET', '/data/orders'),
      { ...good, POLY_PASSPHRASE: 'nope' },
      { ...good, POLY_ADDRESS: other.address },
      { ...good, POLY_API_KEY: '00000000-0000-4000-a000-000000000000' },
      // Signed over another path: the venue signs path only, so this must fail.
      l2Headers(creds, account.address, 'GET', '/data/trades'),
    ];
    for (const h of cases) {
      const r = await call('GET', '/data/orders', h);
      expect(r.status).toBe(401);
      expect(await r.json()).toEqual({ error: 'Unauthorized/Invalid api key' });
    }
  });

  it('HMACs the raw body: a re-serialized body fails, the exact body passes', async () => {
    const order = await signOrder(account, { tokenId: market.yes.tokenId, side: 'BUY', price: '0.4', size: '10' });
    const body = JSON.stringify({ deferExec: false, postOnly: false, order, owner: creds.apiKey, orderType: 'GTC' });
    const tampered = body.replace('"GTC"', '"GTC" ');
    expect((await call('POST', '/order', l2Headers(creds, account.address, 'POST', '/order', body), tampered)).status).toBe(401);
    const r = await call('POST', '/order', l2Headers(creds, account.address, 'POST', '/order', body), body);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { status: string }).status).toBe('live');
  });

  it('rejects a bad order signature, a foreign owner and a V3-signed order the venue way', async () => {
    const order = await signOrder(account, { tokenId: market.yes.tokenId, side: 'BUY', price: '0.3', size: '10' });
    const post = async (o: unknown, owner = creds.apiKey) => {
      const body = JSON.stringify({ deferExec: false, postOnly: false, order: o, owner, orderType: 'GTC' });
      const r = await call('POST', '/order', l2Headers(creds, account.address, 'POST', '/order', body), body);
      return { status: r.status, body: (await r.json()) as { error?: string } };
    };
    // Amount changed after signing: recovers to another address.
    expect(await post({ ...order, makerAmount: '3100000' })).toEqual({ status: 400, body: { error: 'invalid signature' } });
    expect((await post(order, 'someone-else')).body.error).toContain('owner');
    const v3 = await signOrder(account, { tokenId: market.yes.tokenId, side: 'BUY', price: '0.3', size: '10', version: 3 });
    expect(await post(v3)).toEqual({ status: 400, body: { error: 'order_version_mismatch' } });
    // Signed by another key but claiming our signer.
    const foreign = await signOrder(other, { tokenId: market.yes.tokenId, side: 'BUY', price: '0.3', size: '10' });
    expect((await post({ ...foreign, maker: account.address, signer: account.address })).body.error).toBe('invalid signature');
  });
});

describe('WebSocket channels', () => {
  it('answers PING with PONG, sends book arrays best-last, and closes a user socket with bad auth', async () => {
    const { WebSocket } = await import('ws');
    const venue = createPolymarketVenue({ seed: 3, now: () => Date.now(), referencePrice: () => undefined }, { defaultMarkets: false });
    const m = venue.addMarket({ question: 'ws test', fair: '0.5' });
    venue.start();
    const served = await serveVenue(venue);
    try {
      const market = new WebSocket(served.wsMarketUrl);
      const frames: string[] = [];
      market.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
      await new Promise((r) => market.once('open', r));
      market.send('PING');
      market.send(JSON.stringify({ type: 'market', assets_ids: [m.yes.tokenId] }));
      await vi.waitFor(() => {
        expect(frames).toContain('PONG');
        expect(frames.some((f) => f.startsWith('['))).toBe(true);
      });
      const books = JSON.parse(frames.find((f) => f.startsWith('[')) ?? '[]') as { event_type: string; bids: { price: string }[]; asks: { price: string }[]; hash: string }[];
      const book = books[0];
      expect(book?.event_type).toBe('book');
      const bids = (book?.bids ?? []).map((l) => Number(l.price));
      const asks = (book?.asks ?? []).map((l) => Number(l.price));
      expect(bids).toEqual([...bids].sort((x, y) => x - y));
      expect(asks).toEqual([...asks].sort((x, y) => y - x));
      expect(book?.hash).toMatch(/^[0-9a-f]{40}$/);
      market.close();
      const user = new WebSocket(served.wsUserUrl);
      await new Promise((r) => user.once('open', r));
      const closed = new Promise<number>((r) => user.once('close', (code: number) => { r(code); }));
      user.send(JSON.stringify({ type: 'user', auth: { apiKey: 'nope', secret: 'x', passphrase: 'y' }, markets: [] }));
      expect(await closed).toBe(4001);
    } finally {
      await venue.close();
      await served.close();
    }
  });
});
