/**
 * The Polymarket adapter through the real @polymarket/clob-client-v2 against the in-process simulator: book
 * subscription equals the venue's book, place/cancel, fills on the user channel, balances and positions move by
 * exactly the fills and the fee formula.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import type { RunningSimulator } from '@trading/exchange-sim';
import type { PolymarketAdapter } from '../../src/exchanges/polymarket/adapter.js';
import { takerFee } from '../../src/exchanges/polymarket/parse.js';
import type { ExecutionEvent } from '../../src/ports/execution.js';
import type { BookEvent, MarketEvent } from '../../src/ports/market-data.js';
import type { InstrumentId } from '../../src/ports/instruments.js';
import { ADDRESS_A, ADDRESS_B, KEY_A, KEY_B, adapterFor, startPolymarketSim, waitFor } from './polymarket-helpers.js';

const d = (v: string | number) => new Decimal(v);

describe('Polymarket adapter against the simulator (real SDK)', () => {
  let sim: RunningSimulator;
  let a: PolymarketAdapter;
  let b: PolymarketAdapter;
  let liquidYes: InstrumentId;
  let quietYes: InstrumentId;
  let quietNo: InstrumentId;
  const eventsA: ExecutionEvent[] = [];

  beforeAll(async () => {
    sim = await startPolymarketSim(7);
    const pm = sim.polymarket;
    if (pm === null) throw new Error('no polymarket venue');
    const liquid = pm.addMarket({ question: 'liquid test market', fair: '0.5', feeRate: '0.072' });
    const quiet = pm.addMarket({ question: 'quiet test market', feeRate: '0.072' });
    liquidYes = `polymarket:${liquid.yes.tokenId}`;
    quietYes = `polymarket:${quiet.yes.tokenId}`;
    quietNo = `polymarket:${quiet.no.tokenId}`;
    a = adapterFor(sim, KEY_A);
    b = adapterFor(sim, KEY_B);
    await Promise.all([a.connect(), b.connect()]);
    a.execution?.onExecution((e) => eventsA.push(e));
  });

  afterAll(async () => {
    await a.close();
    await b.close();
    await sim.close();
  });

  it('loads YES/NO instruments with tick, min size and the complement token', () => {
    const yes = a.instruments.getInstrument(quietYes);
    expect(yes?.kind).toBe('binary');
    expect(yes?.tickSize.toString()).toBe('0.01');
    expect(yes?.minSize.toString()).toBe('5');
    expect(yes?.polymarket?.complementTokenId).toBe(quietNo.slice('polymarket:'.length));
    expect(a.instruments.getInstrument(quietNo)?.polymarket?.outcome).toBe('NO');
  });

  it('keeps a book equal to the venue book (best first, exact decimals), shared by two watchers', async () => {
    const books: BookEvent[] = [];
    const s1 = a.marketData.watch(liquidYes, 'book', (e: MarketEvent) => {
      if (e.type === 'book') books.push(e);
    });
    let second = 0;
    const s2 = a.marketData.watch(liquidYes, 'book', () => {
      second++;
    });
    await waitFor(() => books.length > 0 && second > 0, 5000, 'book');
    const venue = await a.marketData.fetchOrderBook(liquidYes);
    const local = a.marketData.getOrderBook(liquidYes);
    expect(local?.bids.map(([p, s]) => [p.toString(), s.toString()])).toEqual(venue.bids.map(([p, s]) => [p.toString(), s.toString()]));
    expect(local?.asks.map(([p, s]) => [p.toString(), s.toString()])).toEqual(venue.asks.map(([p, s]) => [p.toString(), s.toString()]));
    const bids = local?.bids ?? [];
    for (let i = 1; i < bids.length; i++) expect(bids[i - 1]?.[0].gt(bids[i]?.[0] ?? 0)).toBe(true);
    expect(local?.bids[0]?.[0].lt(local.asks[0]?.[0] ?? 0)).toBe(true);
    s1.unsubscribe();
    expect(a.marketData.subscribed()).toContain(liquidYes.slice('polymarket:'.length));
    s2.unsubscribe();
    expect(a.marketData.subscribed()).not.toContain(liquidYes.slice('polymarket:'.length));
  });

  it('places and cancels a resting order; the venue agrees', async () => {
    const ex = a.execution;
    if (ex === null) throw new Error('no execution');
    const placed = await ex.createOrder({ clientOrderId: 'rest1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.3'), quantity: d(10) });
    expect(placed.status).toBe('OPEN');
    expect(placed.exchangeOrderId).toMatch(/^0x[0-9a-f]{64}$/);
    const open = await ex.fetchOpenOrders(quietYes);
    expect(open.map((o) => o.clientOrderId)).toEqual(['rest1']);
    const balances = await ex.fetchBalances();
    expect(balances[0]?.frozen.toString()).toBe('3');
    // Same client id again: the existing order, never a second one.
    const again = await ex.createOrder({ clientOrderId: 'rest1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.3'), quantity: d(10) });
    expect(again.exchangeOrderId).toBe(placed.exchangeOrderId);
    expect(sim.polymarket?.clob.openOrders({}).filter((o) => o.maker === ADDRESS_A)).toHaveLength(1);
    const cancelled = await ex.cancelOrder(quietYes, 'rest1');
    expect(cancelled.status).toBe('CANCELLED');
    expect(sim.polymarket?.clob.getOrder(placed.exchangeOrderId ?? '')?.status).toBe('CANCELED');
    await waitFor(() => eventsA.some((e) => e.type === 'order' && e.order.clientOrderId === 'rest1' && e.order.status === 'CANCELLED'), 3000, 'cancel event');
  });

  it('rejects what the venue would reject, before signing', async () => {
    const ex = a.execution;
    if (ex === null) throw new Error('no execution');
    await expect(ex.createOrder({ clientOrderId: 'badtick', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.305'), quantity: d(10) })).rejects.toMatchObject({ code: 'INVALID_ORDER_MIN_TICK_SIZE' });
    await expect(ex.createOrder({ clientOrderId: 'small', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.3'), quantity: d(4) })).rejects.toMatchObject({ code: 'INVALID_ORDER_MIN_SIZE' });
    await expect(ex.createOrder({ clientOrderId: 'nobal', instrumentId: quietYes, side: 'SELL', type: 'LIMIT', price: d('0.3'), quantity: d(10) })).rejects.toMatchObject({ code: 'INVALID_ORDER_NOT_ENOUGH_BALANCE' });
  });

  it('fills on the user channel: taker and maker; balances and positions move exactly by fills and fees', async () => {
    const exA = a.execution;
    const exB = b.execution;
    if (exA === null || exB === null) throw new Error('no execution');
    const startA = (await exA.fetchBalances())[0]?.total ?? d(0);
    const startB = (await exB.fetchBalances())[0]?.total ?? d(0);
    // A rests BUY NO 20 @ 0.45 (a YES ask at 0.55); B buys YES 20 @ 0.6: a mint at 0.55.
    const maker = await exA.createOrder({ clientOrderId: 'mk1', instrumentId: quietNo, side: 'BUY', type: 'LIMIT', price: d('0.45'), quantity: d(20) });
    expect(maker.status).toBe('OPEN');
    const fillsB: ExecutionEvent[] = [];
    exB.onExecution((e) => fillsB.push(e));
    const taker = await exB.createOrder({ clientOrderId: 'tk1', instrumentId: quietYes, side: 'BUY', type: 'LIMIT', price: d('0.6'), quantity: d(20) });
    expect(taker.status).toBe('FILLED');
    const makerFill = await waitFor(() => eventsA.find((e) => e.type === 'fill' && e.fill.clientOrderId === 'mk1'), 3000, 'maker fill');
    const takerFill = await waitFor(() => fillsB.find((e) => e.type === 'fill' && e.fill.clientOrderId === 'tk1'), 3000, 'taker fill');
    if (makerFill.type !== 'fill' || takerFill.type !== 'fill') throw new Error('unreachable');
    expect([makerFill.fill.role, makerFill.fill.price.toString(), makerFill.fill.quantity.toString(), makerFill.fill.fee.toString()]).toEqual(['maker', '0.45', '20', '0']);
    const fee = takerFee(d(20), '720', d('0.55'));
    expect([takerFill.fill.role, takerFill.fill.price.toString(), takerFill.fill.quantity.toString(), takerFill.fill.fee.toString()]).toEqual(['taker', '0.55', '20', fee.toString()]);
    const endA = (await exA.fetchBalances())[0]?.total ?? d(0);
    const endB = (await exB.fetchBalances())[0]?.total ?? d(0);
    expect(startA.minus(endA).toString()).toBe('9');
    expect(startB.minus(endB).toString()).toBe(d(11).plus(fee).toString());
    expect((await exA.fetchPositions(quietNo))[0]?.quantity.toString()).toBe('20');
    expect((await exB.fetchPositions(quietYes))[0]?.quantity.toString()).toBe('20');
    // And the simulator's own ledger says the same.
    expect(sim.polymarket?.clob.ledger.collateral(ADDRESS_B).toString()).toBe(endB.toString());
    const filled = await waitFor(() => eventsA.find((e) => e.type === 'order' && e.order.clientOrderId === 'mk1' && e.order.status === 'FILLED'), 3000, 'maker FILLED');
    expect(filled.type === 'order' && filled.order.averageFillPrice?.toString()).toBe('0.45');
  });
});
