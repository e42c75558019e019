import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@trading/exchange-sim';
import type { ExecutionEvent } from '../../src/ports/execution.js';
import type { BookEvent } from '../../src/ports/market-data.js';
import type { OkxAdapter } from '../../src/exchanges/okx/adapter.js';
import { okxAdapterFor, startOkxSim, waitFor } from './okx-helpers.js';

const SWAP = 'okx:ETH-USDT-SWAP' as const;
const INST = 'ETH-USDT-SWAP';
let sim: RunningSimulator;
let adapter: OkxAdapter;
const bookEvents: { resynced: boolean; sequence: number }[] = [];
const execEvents: ExecutionEvent[] = [];

beforeAll(async () => {
  sim = await startOkxSim(11);
  adapter = okxAdapterFor(sim, { requestTimeoutMs: 400 });
  await adapter.connect();
  adapter.execution?.onExecution((e) => execEvents.push(e));
  adapter.marketData.watch(SWAP, 'book', (e) => {
    const b = e as BookEvent;
    bookEvents.push({ resynced: b.resynced, sequence: b.book.sequence });
  });
  await waitFor(() => adapter.marketData.getOrderBook(SWAP), 5000, 'first book');
});
afterAll(async () => {
  await adapter.close();
  await sim.close();
});

function exec() {
  const e = adapter.execution;
  if (!e) throw new Error('no execution');
  return e;
}

/** Pauses the generator and waits until our book equals the simulator's (same seqId and levels). */
async function expectBookInSync(): Promise<void> {
  sim.okx.pause();
  try {
    await waitFor(() => {
      const view = adapter.marketData.getOrderBook(SWAP);
      const simBook = sim.okx.book(INST, 50);
      if (view?.sequence !== simBook.seqId) return false;
      const ours = JSON.stringify([view.bids.slice(0, 50).map(([p, s]) => [p.toFixed(2), s.toFixed()]), view.asks.slice(0, 50).map(([p, s]) => [p.toFixed(2), s.toFixed()])]);
      return ours === JSON.stringify([simBook.bids, simBook.asks]);
    }, 5000, 'book in sync with the simulator').catch((error: unknown) => {
      const view = adapter.marketData.getOrderBook(SWAP);
      throw new Error(`${String(error)}: ours seq=${String(view?.sequence)} sim seq=${String(sim.okx.book(INST, 1).seqId)} resyncs=${String(adapter.marketData.resyncCount(SWAP))}`);
    });
  } finally {
    sim.okx.resume();
  }
}

async function expectResyncAfter(trigger: () => void): Promise<void> {
  const before = adapter.marketData.resyncCount(SWAP);
  const resyncedBefore = bookEvents.filter((e) => e.resynced).length;
  trigger();
  await waitFor(() => adapter.marketData.resyncCount(SWAP) > before, 5000, 'resync');
  await waitFor(() => bookEvents.filter((e) => e.resynced).length > resyncedBefore, 5000, 'resynced event');
  await expectBookInSync();
}

function simOrdersWith(clOrdId: string) {
  return sim.okx.account().orders.filter((o) => o.clOrdId === clOrdId);
}

describe('OKX adapter recovers from injected faults', () => {
  it('corrupted checksum → resync from a fresh snapshot', async () => {
    await expectResyncAfter(() => { sim.okx.corruptNextChecksum(INST); });
  });

  it('skipped sequence number → resync', async () => {
    await expectResyncAfter(() => { sim.okx.skipNextSequence(INST); });
  });

  it('stalled books channel → gap detected when it resumes → resync', async () => {
    await expectResyncAfter(() => { sim.okx.stall('books', 300, INST); });
  });

  it('dropped connections → reconnect, resubscribe, book resynced, private channel back', async () => {
    const resyncedBefore = bookEvents.filter((e) => e.resynced).length;
    expect(sim.okx.dropConnections()).toBeGreaterThan(0);
    await waitFor(() => bookEvents.filter((e) => e.resynced).length > resyncedBefore, 8000, 'resynced after reconnect');
    await expectBookInSync();
    const mid = new Decimal(sim.okx.mid(INST) ?? '0');
    await exec().createOrder({ clientOrderId: 'afterdrop1', instrumentId: SWAP, side: 'BUY', type: 'LIMIT', price: mid.mul('0.8').toDecimalPlaces(2), quantity: new Decimal('0.1') });
    await waitFor(() => execEvents.some((e) => e.type === 'order' && e.order.clientOrderId === 'afterdrop1'), 5000, 'private push after reconnect');
    await exec().cancelOrder(SWAP, 'afterdrop1');
  });

  it('OKX 64008 "reconnect for upgrade" notice → the SDK reconnects, book resynced', async () => {
    const resyncedBefore = bookEvents.filter((e) => e.resynced).length;
    sim.okx.notice();
    await waitFor(() => bookEvents.filter((e) => e.resynced).length > resyncedBefore, 8000, 'resynced after notice');
    await expectBookInSync();
  });

  it('429 / 50011 for the next requests → retried with backoff', async () => {
    sim.okx.rateLimitNext(3);
    const balances = await exec().fetchBalances();
    expect(balances.find((b) => b.currency === 'USDT')).toBeDefined();
  });

  it('rejected order → OrderRejectedError with the venue code, nothing placed', async () => {
    sim.okx.rejectNextOrder('51008', 'Insufficient margin');
    const mid = new Decimal(sim.okx.mid(INST) ?? '0');
    await expect(
      exec().createOrder({ clientOrderId: 'rejected1', instrumentId: SWAP, side: 'BUY', type: 'LIMIT', price: mid.mul('0.8').toDecimalPlaces(2), quantity: new Decimal('0.1') }),
    ).rejects.toMatchObject({ name: 'OrderRejectedError', code: '51008' });
    expect(simOrdersWith('rejected1')).toHaveLength(0);
  });

  it.each([
    ['never answered', null],
    ['answered after the client timeout', 900],
  ])('placement accepted but %s → reconciled by clOrdId, no duplicate', async (_name, delayMs) => {
    const id = delayMs === null ? 'timeout1' : 'latereply1';
    sim.okx.timeoutNextOrder(delayMs);
    const mid = new Decimal(sim.okx.mid(INST) ?? '0');
    const state = await exec().createOrder({ clientOrderId: id, instrumentId: SWAP, side: 'BUY', type: 'LIMIT', price: mid.mul('0.8').toDecimalPlaces(2), quantity: new Decimal('0.1') });
    expect(state.clientOrderId).toBe(id);
    expect(state.exchangeOrderId).toBeTruthy();
    expect(simOrdersWith(id)).toHaveLength(1);
    await exec().cancelOrder(SWAP, id);
    expect(simOrdersWith(id)[0]?.state).toBe('canceled');
  });

  it('simulator restart with state kept → adapter reconnects and sees the same orders', async () => {
    const mid = new Decimal(sim.okx.mid(INST) ?? '0');
    await exec().createOrder({ clientOrderId: 'survivor1', instrumentId: SWAP, side: 'SELL', type: 'LIMIT', price: mid.mul('1.2').toDecimalPlaces(2), quantity: new Decimal('0.1') });
    const resyncedBefore = bookEvents.filter((e) => e.resynced).length;
    await sim.restart(300);
    await waitFor(() => bookEvents.filter((e) => e.resynced).length > resyncedBefore, 10_000, 'resynced after restart');
    const open = await exec().fetchOpenOrders(SWAP);
    expect(open.map((o) => o.clientOrderId)).toContain('survivor1');
    await expectBookInSync();
    const cancelled = await exec().cancelAllOrders(SWAP);
    expect(cancelled.map((o) => o.clientOrderId)).toContain('survivor1');
    expect(sim.okx.account().openOrders).toHaveLength(0);
  });
});
