/**
 * Faults injected in the simulator; after each, the adapter's state equals the venue's and no order is doubled:
 * dropped WebSockets (book resynced, fills missed during the gap recovered), a refused placement, a placement
 * accepted but never answered, a 429 burst, an order-version bump, a failed settlement, a market resolution.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import type { RunningSimulator } from '@trading/exchange-sim';
import type { PolymarketAdapter } from '../../src/exchanges/polymarket/adapter.js';
import type { ExecutionEvent, ExecutionPort } from '../../src/ports/execution.js';
import type { BookEvent, MarketEvent } from '../../src/ports/market-data.js';
import type { InstrumentId } from '../../src/ports/instruments.js';
import { InMemoryOrderIdStore } from '../../src/exchanges/polymarket/order-id-store.js';
import { ADDRESS_A, KEY_A, KEY_B, adapterFor, admin, startPolymarketSim, waitFor, type CapturedLog, captureLog } from './polymarket-helpers.js';

const d = (v: string | number) => new Decimal(v);

describe('Polymarket adapter under faults', () => {
  let sim: RunningSimulator;
  let a: PolymarketAdapter;
  let b: PolymarketAdapter;
  let exA: ExecutionPort;
  let exB: ExecutionPort;
  let log: CapturedLog;
  let liquidYes: InstrumentId;
  let quietYes: InstrumentId;
  let quietNo: InstrumentId;
  let conditionId = '';
  const eventsA: ExecutionEvent[] = [];

  const venueOpenOrdersOfA = () => sim.polymarket?.clob.openOrders({}).filter((o) => o.maker === ADDRESS_A) ?? [];

  beforeAll(async () => {
    sim = await startPolymarketSim(11);
    const pm = sim.polymarket;
    if (pm === null) throw new Error('no polymarket venue');
    const liquid = pm.addMarket({ question: 'faults liquid market', fair: '0.4' });
    const quiet = pm.addMarket({ question: 'faults quiet market', feeRate: '0.03' });
    conditionId = quiet.conditionId;
    liquidYes = `polymarket:${liquid.yes.tokenId}`;
    quietYes = `polymarket:${quiet.yes.tokenId}`;
    quietNo = `polymarket:${quiet.no.tokenId}`;
    log = captureLog();
    // A reconnects no sooner than 200 ms after a drop, so a trade made right after the drop is really missed on the WS.
    a = adapterFor(sim, KEY_A, { logger: log, requestTimeoutMs: 500, minBackoffMs: 400 });
    b = adapterFor(sim, KEY_B);
    await Promise.all([a.connect(), b.connect()]);
    if (a.execution === null || b.execution === null) throw new Error('no execution');
    exA = a.execution;
    exB = b.execution;
    exA.onExecution((e) => eventsA.push(e));
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await sim.close();
  });

  it('drop WS: the book is rebuilt and flagged resynced, and a fill missed during the gap is recovered', async () => {
    const books: BookEvent[] = [];
    const sub = a.marketData.watch(liquidYes, 'book', (e: MarketEvent) => {
      if (e.type === 'book') books.push(e);
    });
    await waitFor(() => books.length > 0, 5000, 'first book');
    await exA.createOrder({ clientOrderId: 'gap1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.4'), quantity: d(10) });
    const statuses: string[] = [];
    a.onStatus((s) => statuses.push(s));
    await admin(sim, '/drop-ws');
    // While A is disconnected, B sells NO at 0.6 (a YES bid at 0.4 is its complement): A's order fills.
    await exB.createOrder({ clientOrderId: 'gapb', instrumentId: quietNo, side: 'BUY', type: 'LIMIT', price: d('0.6'), quantity: d(10) });
    const fill = await waitFor(() => eventsA.find((e) => e.type === 'fill' && e.fill.clientOrderId === 'gap1'), 8000, 'recovered fill');
    expect(fill.type === 'fill' && fill.fill.quantity.toString()).toBe('10');
    await waitFor(() => books.some((e) => e.resynced), 5000, 'resynced book');
    const venue = await a.marketData.fetchOrderBook(liquidYes);
    await waitFor(() => {
      const local = a.marketData.getOrderBook(liquidYes);
      return JSON.stringify(local?.bids) === JSON.stringify(venue.bids) && JSON.stringify(local?.asks) === JSON.stringify(venue.asks);
    }, 3000, 'book equal after resync');
    expect(statuses).toContain('degraded');
    await waitFor(() => a.status() === 'connected', 3000, 'connected again');
    expect(eventsA.filter((e) => e.type === 'fill' && e.fill.clientOrderId === 'gap1')).toHaveLength(1);
    sub.unsubscribe();
  });

  it('a placement refused with 5xx is checked on the venue, then re-posted identically: one order', async () => {
    await admin(sim, '/reject-next-order', { status: 500 });
    const placed = await exA.createOrder({ clientOrderId: 'rej1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.2'), quantity: d(10) });
    expect(placed.status).toBe('OPEN');
    expect(venueOpenOrdersOfA().filter((o) => o.price.eq('0.2'))).toHaveLength(1);
  });

  it('a 4xx refusal is a rejection with the venue code', async () => {
    await admin(sim, '/reject-next-order', { status: 400, error: 'INVALID_ORDER_NOT_ENOUGH_BALANCE: not enough balance / allowance' });
    await expect(exA.createOrder({ clientOrderId: 'rej2', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.21'), quantity: d(10) })).rejects.toMatchObject({ code: 'INVALID_ORDER_NOT_ENOUGH_BALANCE' });
    expect(venueOpenOrdersOfA().filter((o) => o.price.eq('0.21'))).toHaveLength(0);
  });

  it('a placement accepted but never answered is reconciled through /data/order before any retry: no duplicate', async () => {
    await admin(sim, '/timeout-next-order', { holdMs: 1500 });
    const placed = await exA.createOrder({ clientOrderId: 'tmo1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.22'), quantity: d(10) });
    expect(placed.status).toBe('OPEN');
    const onVenue = venueOpenOrdersOfA().filter((o) => o.price.eq('0.22'));
    expect(onVenue.map((o) => o.id)).toEqual([placed.exchangeOrderId]);
    expect(log.lines.some((l) => l.msg.includes('reconciling before any retry'))).toBe(true);
    // A caller retry with the same client id after the timeout returns the same order.
    const retry = await exA.createOrder({ clientOrderId: 'tmo1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.22'), quantity: d(10) });
    expect(retry.exchangeOrderId).toBe(placed.exchangeOrderId);
    expect(venueOpenOrdersOfA().filter((o) => o.price.eq('0.22'))).toHaveLength(1);
  });

  it('a 429 burst is waited out; the order is placed once', async () => {
    await admin(sim, '/rate-limit', { count: 3 });
    const placed = await exA.createOrder({ clientOrderId: 'rl1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.23'), quantity: d(10) });
    expect(placed.status).toBe('OPEN');
    expect(venueOpenOrdersOfA().filter((o) => o.price.eq('0.23'))).toHaveLength(1);
  });

  it('order_version_mismatch: the adapter refetches /version and re-signs for the new exchange', async () => {
    await admin(sim, '/version', { version: 3 });
    const placed = await exA.createOrder({ clientOrderId: 'v3a', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.24'), quantity: d(10) });
    expect(placed.status).toBe('OPEN');
    expect(venueOpenOrdersOfA().filter((o) => o.price.eq('0.24')).map((o) => o.id)).toEqual([placed.exchangeOrderId]);
    await admin(sim, '/version', { version: 2 });
    const next = await exA.createOrder({ clientOrderId: 'v2b', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.25'), quantity: d(10) });
    expect(next.status).toBe('OPEN');
  });

  it('cancel-all leaves the adapter and the venue with no open orders', async () => {
    const cancelled = await exA.cancelAllOrders();
    expect(cancelled.map((o) => o.clientOrderId).sort()).toEqual(['rej1', 'rl1', 'tmo1', 'v2b', 'v3a']);
    expect(venueOpenOrdersOfA()).toHaveLength(0);
    expect(await exA.fetchOpenOrders()).toHaveLength(0);
  });

  it('tick_size_change: the instrument and the SDK tick cache follow, so a finer price is accepted', async () => {
    // Tick changes arrive on the market channel of subscribed tokens.
    const sub = a.marketData.watch(quietYes, 'book', () => undefined);
    await waitFor(() => a.marketData.getOrderBook(quietYes), 3000, 'subscribed');
    await expect(exA.createOrder({ clientOrderId: 'tick0', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.305'), quantity: d(10) })).rejects.toMatchObject({ code: 'INVALID_ORDER_MIN_TICK_SIZE' });
    await admin(sim, '/tick-size', { conditionId, tickSize: '0.001' });
    await waitFor(() => a.instruments.getInstrument(quietYes)?.tickSize.eq('0.001'), 3000, 'tick change');
    sub.unsubscribe();
    const placed = await exA.createOrder({ clientOrderId: 'tick1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.305'), quantity: d(10) });
    expect(placed.status).toBe('OPEN');
    await exA.cancelOrder(quietYes, 'tick1');
  });

  it('a FAILED settlement reverts the balance, and the adapter reports the venue balance', async () => {
    const before = (await exA.fetchBalances())[0]?.total ?? d(0);
    await exB.createOrder({ clientOrderId: 'fl1', instrumentId: quietNo, side: 'BUY', type: 'LIMIT', price: d('0.5'), quantity: d(10) });
    await admin(sim, '/fail-next-trade');
    await exA.createOrder({ clientOrderId: 'fl2', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.5'), quantity: d(10) });
    await waitFor(() => log.lines.some((l) => l.msg.includes('FAILED')), 3000, 'FAILED logged');
    const after = (await exA.fetchBalances())[0]?.total ?? d(0);
    expect(after.toString()).toBe(before.toString());
  });

  it('fetchFills: an adopting adapter finds the fills a dead run’s order got, by client order id (order map in the store)', async () => {
    const store = new InMemoryOrderIdStore();
    const since = Date.now() - 1000;
    const dead = adapterFor(sim, KEY_A, { orderIdStore: store });
    await dead.connect();
    await dead.execution?.createOrder({ clientOrderId: 'adoptme1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.62'), quantity: d(10) });
    await dead.close(); // the run dies with its bid resting
    // While nobody watches A, B buys NO at 0.38 (the complement of the YES bid at 0.62): A's bid fills.
    await exB.createOrder({ clientOrderId: 'adoptb1', instrumentId: quietNo, side: 'BUY', type: 'LIMIT', price: d('0.38'), quantity: d(10) });
    const adopter = adapterFor(sim, KEY_A, { orderIdStore: store });
    await adopter.connect();
    try {
      const fills = await waitFor(async () => {
        const found = (await adopter.execution?.fetchFills({ since, clientOrderIdPrefix: 'adoptme' })) ?? [];
        return found.length > 0 ? found : undefined;
      }, 5000, 'the dead run’s fill');
      expect(fills.map((f) => [f.clientOrderId, f.side, f.quantity.toString(), f.price.toString()])).toEqual([['adoptme1', 'BUY', '10', '0.62']]);
      expect(fills[0]?.instrumentId).toBe(quietYes);
      // Another prefix finds nothing of it.
      expect(await adopter.execution?.fetchFills({ since, clientOrderIdPrefix: 'other' })).toEqual([]);
    } finally {
      await adopter.close();
    }
  });

  it('resolution: market_resolved reaches watchers and winning shares pay 1', async () => {
    const resolved: MarketEvent[] = [];
    const sub = a.marketData.watch(quietYes, 'market-resolved', (e) => resolved.push(e));
    await waitFor(() => a.marketData.subscribed().includes(quietYes.slice('polymarket:'.length)), 2000, 'subscribed');
    await new Promise((r) => setTimeout(r, 100));
    const yesBefore = (await exA.fetchPositions(quietYes))[0]?.quantity ?? d(0);
    const cashBefore = (await exA.fetchBalances())[0]?.total ?? d(0);
    await admin(sim, '/resolve', { conditionId, winner: 'YES' });
    const ev = await waitFor(() => resolved.find((e) => e.type === 'market-resolved'), 3000, 'resolution');
    expect('settlementPrice' in ev ? ev.settlementPrice.toString() : '').toBe('1');
    const cashAfter = (await exA.fetchBalances())[0]?.total ?? d(0);
    expect(cashAfter.minus(cashBefore).toString()).toBe(yesBefore.toString());
    expect((await exA.fetchPositions(quietYes))[0]?.quantity.toString()).toBe('0');
    sub.unsubscribe();
  });
});
