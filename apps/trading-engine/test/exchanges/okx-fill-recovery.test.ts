/**
 * Live OKX fills the adapter learns from an order's *state* (its pushes lost) are recovered from GET trade/fills and
 * reported once, under the venue's trade id; and the order gate's `beforeSend` runs right before each send.
 * Real okx-api SDK against the in-process simulator.
 */
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@trading/exchange-sim';
import type { OkxAdapter } from '../../src/exchanges/okx/adapter.js';
import { OrderRejectedError, type ExecutionEvent, type FillReport } from '../../src/ports/execution.js';
import { okxAdapterFor, startOkxSim, waitFor } from './okx-helpers.js';

const SWAP = 'okx:BTC-USDT-SWAP' as const;
const INST = 'BTC-USDT-SWAP';
let sim: RunningSimulator;
let adapter: OkxAdapter;
const events: ExecutionEvent[] = [];

beforeAll(async () => {
  sim = await startOkxSim(23);
  adapter = okxAdapterFor(sim, { requestTimeoutMs: 400 });
  await adapter.connect();
  adapter.execution?.onExecution((e) => events.push(e));
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

function fillsOf(clientOrderId: string): FillReport[] {
  return events.flatMap((e) => (e.type === 'fill' && e.fill.clientOrderId === clientOrderId ? [e.fill] : []));
}

/** The simulator's executions of one order: the fill id each must get (trade id + order id) and its size. */
async function venueFills(clientOrderId: string): Promise<{ tradeId: string; fillSz: string }[]> {
  const rows: unknown[] = await adapter.rest.call('trade/fills', (c) => c.getFills({ instId: INST, limit: '100' }));
  return (rows as { clOrdId: string; tradeId: string; ordId: string; fillSz: string }[])
    .filter((row) => row.clOrdId === clientOrderId)
    .map(({ tradeId, ordId, fillSz }) => ({ tradeId: `${tradeId}:${ordId}`, fillSz }));
}

describe('OKX fills learnt from the order state', () => {
  it('a placement answered too late: the order is found FILLED by clOrdId and its fills are read from the venue', async () => {
    // The order's push is lost (orders channel stalled) and its answer comes after the adapter's timeout.
    sim.okx.stall('orders', 1500);
    sim.okx.timeoutNextOrder(null);
    const state = await exec().createOrder({ clientOrderId: 'late1', instrumentId: SWAP, side: 'BUY', type: 'MARKET', quantity: new Decimal(2) });
    expect(state.status).toBe('FILLED');
    const expected = await venueFills('late1');
    expect(expected.length).toBeGreaterThan(0);
    await waitFor(() => fillsOf('late1').length >= expected.length, 5000, 'recovered fills');
    const fills = fillsOf('late1');
    expect(fills.map((f) => f.fillId).sort()).toEqual(expected.map((f) => f.tradeId).sort());
    expect(fills.reduce((sum, f) => sum.add(f.quantity), new Decimal(0)).toFixed()).toBe('2');
    expect(fills.every((f) => f.exchangeOrderId === state.exchangeOrderId && f.fee.gt(0))).toBe(true);
  });

  it('after a private WebSocket drop the resync finds the fills of an order that filled meanwhile, once', async () => {
    // A resting bid, then its fill while the private connection is down.
    const mid = new Decimal(sim.okx.mid(INST) ?? '0');
    const price = mid.mul('0.999').toDecimalPlaces(1);
    await exec().createOrder({ clientOrderId: 'rest1', instrumentId: SWAP, side: 'BUY', type: 'LIMIT', price, quantity: new Decimal(1) });
    sim.okx.stall('orders', 60_000);
    sim.okx.addLiquidity(INST, 'sell', undefined, '5000'); // a taker sweeping the bids through our price
    await waitFor(() => sim.okx.account().orders.find((o) => o.clOrdId === 'rest1')?.state === 'filled', 5000, 'venue fill');
    sim.okx.clearFaults();
    sim.okx.dropConnections('private');
    await waitFor(() => fillsOf('rest1').length > 0, 8000, 'fill after the resync');
    const expected = await venueFills('rest1');
    // Settle: a second resync or a late push must not report it again.
    await exec().resyncPrivate();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fillsOf('rest1').map((f) => f.fillId).sort()).toEqual(expected.map((f) => f.tradeId).sort());
  });

  it('fetchFills lists the account executions of a client-order-id prefix since a time (adoption)', async () => {
    const since = Date.now() - 60_000;
    const fills = await exec().fetchFills({ since, clientOrderIdPrefix: 'late' });
    expect(fills.length).toBeGreaterThan(0);
    expect(fills.every((f) => f.clientOrderId === 'late1')).toBe(true);
    expect(fills.map((f) => f.fillId).sort()).toEqual((await venueFills('late1')).map((f) => f.tradeId).sort());
  });
});

describe('beforeSend', () => {
  it('runs right before every attempt: a gate that closes during a rate-limit back-off stops the retry', async () => {
    let calls = 0;
    sim.okx.rateLimitNext(1); // the first attempt is refused unprocessed (HTTP 429), the adapter backs off
    const placing = exec().createOrder({
      clientOrderId: 'gated1',
      instrumentId: SWAP,
      side: 'BUY',
      type: 'MARKET',
      quantity: new Decimal(1),
      beforeSend: () => {
        calls += 1;
        if (calls > 1) throw new OrderRejectedError('gate-closed', 'order gate closed', 'gated1');
      },
    });
    await expect(placing).rejects.toSatisfy((error) => error instanceof OrderRejectedError && error.code === 'gate-closed');
    expect(calls).toBe(2);
    expect(sim.okx.account().orders.filter((o) => o.clOrdId === 'gated1')).toEqual([]);
  });
});
