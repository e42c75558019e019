import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_OKX_KEY, okxChecksum, startSimulator, type RunningSimulator } from '../src/index.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 42, polymarket: false, okx: { paused: true, tickMs: 20 } });
});
afterAll(async () => {
  await sim.close();
});

interface Envelope {
  code: string;
  msg: string;
  data: Record<string, unknown>[];
}

async function signed(method: 'GET' | 'POST', path: string, body?: unknown, over: Partial<Record<string, string>> = {}) {
  const ts = over.ts ?? new Date().toISOString();
  const raw = body === undefined ? '' : JSON.stringify(body);
  const secret = over.secret ?? DEFAULT_OKX_KEY.secret;
  const sign = createHmac('sha256', secret).update(`${ts}${method}${path}${raw}`).digest('base64');
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      'OK-ACCESS-KEY': over.key ?? DEFAULT_OKX_KEY.apiKey,
      'OK-ACCESS-PASSPHRASE': over.passphrase ?? DEFAULT_OKX_KEY.passphrase,
      'OK-ACCESS-TIMESTAMP': ts,
      'OK-ACCESS-SIGN': sign,
      'Content-Type': 'application/json',
    },
    ...(body === undefined ? {} : { body: raw }),
  });
  return { status: res.status, body: (await res.json()) as Envelope };
}

describe('OKX simulator REST auth', () => {
  it('accepts a correctly signed request', async () => {
    const r = await signed('GET', '/api/v5/account/balance?ccy=USDT');
    expect(r.status).toBe(200);
    expect(r.body.code).toBe('0');
    expect(r.body.data[0]?.details).toEqual([expect.objectContaining({ ccy: 'USDT', cashBal: '100000' })]);
  });

  it.each([
    ['wrong passphrase', { passphrase: 'nope' }, '50105'],
    ['expired timestamp', { ts: new Date(Date.now() - 60_000).toISOString() }, '50102'],
    ['bad signature', { secret: 'other' }, '50113'],
    ['unknown key', { key: 'unknown' }, '50111'],
  ])('rejects %s with HTTP 401 and OKX code', async (_name, over, code) => {
    const r = await signed('GET', '/api/v5/account/balance', undefined, over);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe(code);
  });
});

describe('OKX simulator trading', () => {
  it('rejects bad orders with OKX sCodes and duplicate clOrdId with 51016', async () => {
    const base = { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'limit', px: '50000.0', sz: '1' };
    const bad = [
      [{ ...base, px: '50000.05', clOrdId: 'a1' }, '51000'],
      [{ ...base, sz: '0.015', clOrdId: 'a2' }, '51121'],
      [{ ...base, sz: '1000000', clOrdId: 'a3' }, '51008'],
      [{ ...base, instId: 'NOPE-USDT', clOrdId: 'a4' }, '51001'],
    ] as const;
    for (const [body, sCode] of bad) {
      const r = await signed('POST', '/api/v5/trade/order', body);
      expect(r.body.code).toBe('1');
      expect(r.body.data[0]?.sCode).toBe(sCode);
    }
    const ok = await signed('POST', '/api/v5/trade/order', { ...base, clOrdId: 'dup1' });
    expect(ok.body.data[0]?.sCode).toBe('0');
    const dup = await signed('POST', '/api/v5/trade/order', { ...base, clOrdId: 'dup1' });
    expect(dup.body.data[0]?.sCode).toBe('51016');
    const cancel = await signed('POST', '/api/v5/trade/cancel-order', { instId: 'BTC-USDT-SWAP', clOrdId: 'dup1' });
    expect(cancel.body.data[0]?.sCode).toBe('0');
  });

  it('moves balance and position by exactly the fill and fee', async () => {
    const before = sim.okx.account();
    const bestAsk = sim.okx.book('BTC-USDT-SWAP', 1).asks[0];
    expect(bestAsk).toBeDefined();
    const r = await signed('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'market', sz: '1', clOrdId: 'mkt1' });
    expect(r.body.data[0]?.sCode).toBe('0');
    const order = await signed('GET', '/api/v5/trade/order?instId=BTC-USDT-SWAP&clOrdId=mkt1');
    const o = order.body.data[0] ?? {};
    expect(o.state).toBe('filled');
    const after = sim.okx.account();
    // fee = sz × ctVal × px × taker rate; cash moves by exactly the fee (no realized PnL on open)
    const avg = Number(o.avgPx);
    expect(Number(o.fee)).toBeCloseTo(-(1 * 0.01 * avg * 0.0005), 8);
    const cashDelta = Number(after.balances.USDT?.cash) - Number(before.balances.USDT?.cash);
    expect(cashDelta).toBeCloseTo(Number(o.fee), 8);
    expect(after.positions.find((p) => p.instId === 'BTC-USDT-SWAP')?.pos).toBe('1');
  });

  it('reports an order\'s executions on GET trade/fills and fills-history (newest first, by ordId, paged by billId)', async () => {
    const r = await signed('POST', '/api/v5/trade/order', { instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'sell', ordType: 'market', sz: '3', clOrdId: 'fills1' });
    const ordId = String(r.body.data[0]?.ordId);
    const order = (await signed('GET', '/api/v5/trade/order?instId=BTC-USDT-SWAP&clOrdId=fills1')).body.data[0] ?? {};
    const fills = await signed('GET', `/api/v5/trade/fills?ordId=${ordId}`);
    expect(fills.body.code).toBe('0');
    const rows = fills.body.data;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ ordId, clOrdId: 'fills1', instId: 'BTC-USDT-SWAP', side: 'sell', instType: 'SWAP' });
    // The executions add up to the order's filled size and fee.
    expect(rows.reduce((sum, row) => sum + Number(row.fillSz), 0)).toBe(Number(order.accFillSz));
    expect(rows.reduce((sum, row) => sum + Number(row.fee), 0)).toBeCloseTo(Number(order.fee), 8);
    const billIds = rows.map((row) => Number(row.billId));
    expect([...billIds].sort((a, b) => b - a)).toEqual(billIds);
    expect(new Set(rows.map((row) => row.tradeId)).size).toBe(rows.length);
    // Paging: `after` a billId gives only older executions; limit caps the page.
    const older = await signed('GET', `/api/v5/trade/fills?limit=1&after=${String(billIds[0])}`);
    expect(older.body.data).toHaveLength(1);
    expect(Number(older.body.data[0]?.billId)).toBeLessThan(billIds[0] ?? 0);
    // fills-history needs instType, as at OKX.
    expect((await signed('GET', '/api/v5/trade/fills-history?ordId=1')).body.code).toBe('50014');
    expect((await signed('GET', `/api/v5/trade/fills-history?instType=SWAP&ordId=${ordId}`)).body.data).toHaveLength(rows.length);
  });
});

describe('OKX simulator WS', () => {
  it('logs in with the HMAC and places/cancels through the WS order API', async () => {
    const ws = new WebSocket(`${sim.wsUrl}/ws/v5/private`);
    const replies: Record<string, unknown>[] = [];
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text !== 'pong') replies.push(JSON.parse(text) as Record<string, unknown>);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const next = async (pred: (m: Record<string, unknown>) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const hit = replies.find(pred);
        if (hit) return hit;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('no reply');
    };
    const ts = String(Math.floor(Date.now() / 1000));
    const badSign = createHmac('sha256', 'wrong').update(`${ts}GET/users/self/verify`).digest('base64');
    ws.send(JSON.stringify({ id: 'l0', op: 'login', args: [{ apiKey: DEFAULT_OKX_KEY.apiKey, passphrase: DEFAULT_OKX_KEY.passphrase, timestamp: ts, sign: badSign }] }));
    expect((await next((m) => m.id === 'l0')).code).toBe('60009');
    const sign = createHmac('sha256', DEFAULT_OKX_KEY.secret).update(`${ts}GET/users/self/verify`).digest('base64');
    ws.send(JSON.stringify({ id: 'l1', op: 'login', args: [{ apiKey: DEFAULT_OKX_KEY.apiKey, passphrase: DEFAULT_OKX_KEY.passphrase, timestamp: ts, sign }] }));
    expect(await next((m) => m.id === 'l1')).toMatchObject({ event: 'login', code: '0' });
    ws.send(JSON.stringify({ id: 'o1', op: 'order', args: [{ instId: 'BTC-USDT-SWAP', tdMode: 'cross', side: 'buy', ordType: 'limit', px: '40000', sz: '1', clOrdId: 'wsorder1' }] }));
    const placed = await next((m) => m.id === 'o1');
    expect(placed).toMatchObject({ op: 'order', code: '0' });
    expect(typeof placed.inTime).toBe('string');
    ws.send(JSON.stringify({ id: 'c1', op: 'cancel-order', args: [{ instId: 'BTC-USDT-SWAP', clOrdId: 'wsorder1' }] }));
    expect(await next((m) => m.id === 'c1')).toMatchObject({ op: 'cancel-order', code: '0' });
    ws.close();
  });

  it('sends a books snapshot then chained updates whose checksum matches the book', async () => {
    const ws = new WebSocket(`${sim.wsUrl}/ws/v5/public`);
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text !== 'pong') messages.push(JSON.parse(text) as Record<string, unknown>);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ id: '1', op: 'subscribe', args: [{ channel: 'books', instId: 'ETH-USDT-SWAP' }, { channel: 'orders', instType: 'ANY' }] }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    sim.okx.step(5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    ws.close();
    expect(messages.some((m) => m.event === 'error' && m.code === '60011')).toBe(true);
    const books = messages.filter((m) => m.event === undefined && (m.arg as { channel?: string } | undefined)?.channel === 'books');
    expect(books[0]?.action).toBe('snapshot');
    type Data = { bids: string[][]; asks: string[][]; checksum: number; prevSeqId: number; seqId: number };
    const bids = new Map<string, string>();
    const asks = new Map<string, string>();
    let seq = -1;
    for (const msg of books) {
      const d = (msg.data as Data[])[0] as Data;
      if (msg.action === 'snapshot') expect(d.prevSeqId).toBe(-1);
      else expect(d.prevSeqId).toBe(seq);
      seq = d.seqId;
      for (const [p, s] of d.bids) if (s === '0') bids.delete(p as string); else bids.set(p as string, s as string);
      for (const [p, s] of d.asks) if (s === '0') asks.delete(p as string); else asks.set(p as string, s as string);
      const sortedBids = [...bids].sort((a, b) => Number(b[0]) - Number(a[0]));
      const sortedAsks = [...asks].sort((a, b) => Number(a[0]) - Number(b[0]));
      expect(okxChecksum(sortedBids, sortedAsks)).toBe(d.checksum);
    }
    expect(books.length).toBeGreaterThan(3);
  });
});
