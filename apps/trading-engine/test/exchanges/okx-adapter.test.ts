import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@trading/exchange-sim';
import type { ExecutionEvent } from '../../src/ports/execution.js';
import type { OkxAdapter } from '../../src/exchanges/okx/adapter.js';
import { okxAdapterFor, startOkxSim, waitFor } from './okx-helpers.js';

const SWAP = 'okx:BTC-USDT-SWAP' as const;
let sim: RunningSimulator;
let adapter: OkxAdapter;
const events: ExecutionEvent[] = [];

beforeAll(async () => {
  sim = await startOkxSim(7);
  adapter = okxAdapterFor(sim);
  await adapter.connect();
  adapter.execution?.onExecution((e) => events.push(e));
});
afterAll(async () => {
  await adapter.close();
  await sim.close();
});

function sameBook(depth = 25) {
  const view = adapter.marketData.getOrderBook(SWAP);
  if (!view) return false;
  const simBook = sim.okx.book('BTC-USDT-SWAP', depth);
  const ours = view.bids.slice(0, depth).map(([p, s]) => [p.toFixed(1), s.toFixed()]);
  const theirs = simBook.bids;
  const oursAsk = view.asks.slice(0, depth).map(([p, s]) => [p.toFixed(1), s.toFixed()]);
  return view.sequence === simBook.seqId && JSON.stringify(ours) === JSON.stringify(theirs) && JSON.stringify(oursAsk) === JSON.stringify(simBook.asks) ? view : false;
}

describe('OKX adapter against the simulator (real okx-api over sockets)', () => {
  it('loads instruments with OKX contract data', () => {
    const swap = adapter.instruments.getInstrument(SWAP);
    expect(swap?.kind).toBe('swap');
    expect(swap?.contractValue.toString()).toBe('0.01');
    expect(swap?.tickSize.toString()).toBe('0.1');
    expect(adapter.instruments.getInstrument('okx:BTC-USDT')?.kind).toBe('spot');
    expect(adapter.instruments.getInstrument('okx:BTC-USDT-261225')?.kind).toBe('futures');
  });

  it('maintains a book equal to the simulator book', async () => {
    const updates: boolean[] = [];
    const sub = adapter.marketData.watch(SWAP, 'book', (e) => {
      if (e.type === 'book') updates.push(e.resynced);
    });
    await waitFor(() => updates.length > 5, 5000, 'book updates');
    sim.okx.pause();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await waitFor(() => sameBook(), 3000, 'book equal to the simulator');
    sim.okx.resume();
    const rest = await adapter.marketData.fetchOrderBook(SWAP, 5);
    expect(rest.bids.length).toBe(5);
    expect(updates.every((r) => !r)).toBe(true);
    sub.unsubscribe();
  });

  it('places, amends and cancels with clOrdId; states arrive on the private channel', async () => {
    const exec = adapter.execution;
    if (!exec) throw new Error('no execution');
    const mid = new Decimal(sim.okx.mid('BTC-USDT-SWAP') ?? '0');
    const price = mid.mul('0.9').toDecimalPlaces(1);
    const placed = await exec.createOrder({ clientOrderId: 'amendme1', instrumentId: SWAP, side: 'BUY', type: 'LIMIT', price, quantity: new Decimal('0.05') });
    expect(placed.exchangeOrderId).toBeTruthy();
    const amended = await exec.amendOrder(SWAP, 'amendme1', { price: price.minus(1), quantity: new Decimal('0.07') });
    expect(amended.price?.toString()).toBe(price.minus(1).toString());
    expect(amended.quantity.toString()).toBe('0.07');
    const open = await exec.fetchOpenOrders(SWAP);
    expect(open.map((o) => o.clientOrderId)).toContain('amendme1');
    const cancelled = await exec.cancelOrder(SWAP, 'amendme1');
    expect(cancelled.status).toBe('CANCELLED');
    await waitFor(() => events.some((e) => e.type === 'order' && e.order.clientOrderId === 'amendme1' && e.order.status === 'CANCELLED'), 3000, 'cancel push');
    await expect(exec.createOrder({ clientOrderId: 'toolarge1', instrumentId: SWAP, side: 'BUY', type: 'LIMIT', price, quantity: new Decimal('1000000') })).rejects.toMatchObject({ code: '51008' });
  });

  it('moves balances and positions by exactly the filled amounts and fees', async () => {
    const exec = adapter.execution;
    if (!exec) throw new Error('no execution');
    sim.okx.pause();
    const before = (await exec.fetchBalances()).find((b) => b.currency === 'USDT');
    const positionsBefore = await exec.fetchPositions(SWAP);
    const posBefore = positionsBefore[0]?.quantity ?? new Decimal(0);
    const order = await exec.createOrder({ clientOrderId: 'taker1', instrumentId: SWAP, side: 'BUY', type: 'MARKET', quantity: new Decimal('0.5') });
    expect(order.clientOrderId).toBe('taker1');
    const fills = await waitFor(() => {
      const f = events.filter((e): e is Extract<ExecutionEvent, { type: 'fill' }> => e.type === 'fill' && e.fill.clientOrderId === 'taker1');
      const qty = f.reduce((s, e) => s.plus(e.fill.quantity), new Decimal(0));
      return qty.eq('0.5') ? f : false;
    }, 3000, 'fills');
    const feeSum = fills.reduce((s, e) => s.plus(e.fill.fee), new Decimal(0));
    const expectedFee = fills.reduce((s, e) => s.plus(e.fill.price.mul(e.fill.quantity).mul('0.01').mul('0.0005')), new Decimal(0));
    expect(feeSum.toString()).toBe(expectedFee.toString());
    const after = (await exec.fetchBalances()).find((b) => b.currency === 'USDT');
    expect(before && after ? after.total.minus(before.total).toString() : 'missing').toBe(feeSum.neg().toString());
    const position = (await exec.fetchPositions(SWAP))[0];
    expect(position?.quantity.minus(posBefore).toString()).toBe('0.5');
    const state = await exec.fetchOrderByClientId(SWAP, 'taker1');
    expect(state?.status).toBe('FILLED');
    expect(state?.fee.toString()).toBe(feeSum.toString());
    sim.okx.resume();
  });

  it('receives maker fills on the private channel when a background taker hits our order', async () => {
    const exec = adapter.execution;
    if (!exec) throw new Error('no execution');
    sim.okx.pause();
    const bestBid = new Decimal(sim.okx.book('BTC-USDT-SWAP', 1).bids[0]?.[0] ?? '0');
    const price = bestBid.plus('0.1');
    await exec.createOrder({ clientOrderId: 'maker1', instrumentId: SWAP, side: 'BUY', type: 'POST_ONLY', price, quantity: new Decimal('0.2') });
    sim.okx.addLiquidity('BTC-USDT-SWAP', 'sell', undefined, '0.2');
    const fill = await waitFor(() => events.find((e) => e.type === 'fill' && e.fill.clientOrderId === 'maker1'), 3000, 'maker fill');
    expect(fill.type === 'fill' && fill.fill.role).toBe('maker');
    expect(fill.type === 'fill' && fill.fill.price.toString()).toBe(price.toString());
    sim.okx.resume();
  });
});
