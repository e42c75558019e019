/**
 * The shared exchange-adapter contract suite. Every adapter runs these cases against the exchange simulator;
 * a venue folder is done when they pass. Framework-free (node:assert): a test file turns each case into a test:
 *
 *   for (const c of exchangeConformanceCases(ctx)) it(c.name, c.run);
 *
 * The context gives the suite a connected adapter (with credentials) and the simulator's admin hooks.
 */
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { OrderRejectedError, type ExecutionEvent, type ExecutionPort, type OrderState } from '../ports/execution.js';
import type { ExchangeAdapter } from '../ports/exchange.js';
import type { InstrumentId } from '../ports/instruments.js';
import type { BookEvent, OrderBookView } from '../ports/market-data.js';

export interface ConformanceSimulator {
  /** The simulator's own book (price/size strings, best first), to compare with the adapter's replica. */
  book?: () => Promise<{ bids: [string, string][]; asks: [string, string][] }> | { bids: [string, string][]; asks: [string, string][] };
  /** Client order ids the simulator holds for this account (any state), to detect duplicates. */
  ordersWithClientId: (clientOrderId: string) => Promise<number> | number;
  /** Terminates every WebSocket connection. */
  dropConnections: () => Promise<void> | void;
  /** Accept the next order but never answer it. */
  timeoutNextOrder?: () => Promise<void> | void;
  /** Refuse the next order. */
  rejectNextOrder?: () => Promise<void> | void;
  /** Freeze/unfreeze background market activity so books can be compared. */
  pause?: () => Promise<void> | void;
  resume?: () => Promise<void> | void;
}

export interface ConformanceContext {
  /** A connected adapter with credentials (execution present). */
  adapter: () => ExchangeAdapter;
  simulator: ConformanceSimulator;
  instrumentId: InstrumentId;
  /** A BUY limit price that rests without filling. */
  restingBuyPrice: () => Promise<Decimal> | Decimal;
  quantity: Decimal;
  /** Unique client order id for a test (1–32 alphanumerics). */
  clientOrderId: (tag: string) => string;
  /** Prices as the venue prints them, to compare replicas (default: Decimal.toFixed()). */
  formatPrice?: (price: Decimal) => string;
  timeoutMs?: number;
}

export interface ConformanceCase {
  name: string;
  run: () => Promise<void>;
}

async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`conformance: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function assertSorted(view: OrderBookView): void {
  for (let i = 1; i < view.bids.length; i++) assert.ok((view.bids[i - 1]?.[0] ?? new Decimal(0)).gt(view.bids[i]?.[0] ?? 0), 'bids best first');
  for (let i = 1; i < view.asks.length; i++) assert.ok((view.asks[i - 1]?.[0] ?? new Decimal(0)).lt(view.asks[i]?.[0] ?? 0), 'asks best first');
  const bid = view.bids[0]?.[0];
  const ask = view.asks[0]?.[0];
  if (bid && ask) assert.ok(bid.lt(ask), 'book not crossed');
}

export function exchangeConformanceCases(ctx: ConformanceContext): ConformanceCase[] {
  const timeout = ctx.timeoutMs ?? 8000;
  const fmt = ctx.formatPrice ?? ((p: Decimal) => p.toFixed());
  const exec = (): ExecutionPort => {
    const e = ctx.adapter().execution;
    assert.ok(e, 'adapter must have execution (credentials)');
    return e;
  };
  const place = async (tag: string): Promise<OrderState> =>
    exec().createOrder({ clientOrderId: ctx.clientOrderId(tag), instrumentId: ctx.instrumentId, side: 'BUY', type: 'LIMIT', price: await ctx.restingBuyPrice(), quantity: ctx.quantity });
  const bookMatches = async (): Promise<boolean> => {
    const view = ctx.adapter().marketData.getOrderBook(ctx.instrumentId);
    const theirs = await ctx.simulator.book?.();
    if (!view || !theirs) return false;
    const n = Math.min(theirs.bids.length, 20);
    const m = Math.min(theirs.asks.length, 20);
    const ours = [view.bids.slice(0, n).map(([p, s]) => [fmt(p), s.toFixed()]), view.asks.slice(0, m).map(([p, s]) => [fmt(p), s.toFixed()])];
    return JSON.stringify(ours) === JSON.stringify([theirs.bids.slice(0, n), theirs.asks.slice(0, m)]);
  };
  const waitBookInSync = async (): Promise<void> => {
    if (!ctx.simulator.book) return;
    await ctx.simulator.pause?.();
    try {
      await waitFor(bookMatches, timeout, 'book equal to the simulator');
    } finally {
      await ctx.simulator.resume?.();
    }
  };

  const cases: ConformanceCase[] = [
    {
      name: 'loads instruments with tick, lot and minimum size',
      run: async () => {
        const list = await ctx.adapter().instruments.loadInstruments();
        assert.ok(list.length > 0, 'instruments');
        const i = ctx.adapter().instruments.getInstrument(ctx.instrumentId);
        assert.ok(i, `instrument ${ctx.instrumentId}`);
        assert.ok(i.tickSize.gt(0) && i.lotSize.gt(0) && i.minSize.gt(0), 'positive tick/lot/min');
        assert.equal(i.exchange, ctx.adapter().exchange);
      },
    },
    {
      name: 'fetchOrderBook returns a sorted, uncrossed book',
      run: async () => {
        const view = await ctx.adapter().marketData.fetchOrderBook(ctx.instrumentId, 10);
        assert.ok(view.bids.length > 0 || view.asks.length > 0, 'non-empty book');
        assertSorted(view);
      },
    },
    {
      name: 'watch(book) delivers a sorted book equal to the simulator book; shared subscriptions are reference counted',
      run: async () => {
        const md = ctx.adapter().marketData;
        const seen: BookEvent[] = [];
        const a = md.watch(ctx.instrumentId, 'book', (e) => { if (e.type === 'book') seen.push(e); });
        const b = md.watch(ctx.instrumentId, 'book', () => undefined);
        try {
          await waitFor(() => seen.length > 0, timeout, 'first book event');
          assert.equal(seen[0]?.resynced, false, 'first snapshot is not a resync');
          const view = md.getOrderBook(ctx.instrumentId);
          assert.ok(view, 'getOrderBook after the first event');
          assertSorted(view);
          b.unsubscribe();
          const count = seen.length;
          await waitFor(() => seen.length > count || undefined, timeout, 'updates continue after one of two subscribers left').catch(() => undefined);
          await waitBookInSync();
        } finally {
          a.unsubscribe();
          b.unsubscribe();
        }
      },
    },
    {
      name: 'createOrder acknowledges with an exchange id; the order is found by client id and among open orders; cancel ends it',
      run: async () => {
        const events: ExecutionEvent[] = [];
        const off = exec().onExecution((e) => events.push(e));
        try {
          const placed = await place('ack');
          assert.ok(placed.exchangeOrderId, 'exchange order id');
          assert.ok(placed.status === 'OPEN' || placed.status === 'PENDING', `status ${placed.status}`);
          const found = await exec().fetchOrderByClientId(ctx.instrumentId, placed.clientOrderId);
          assert.equal(found?.clientOrderId, placed.clientOrderId);
          const open = await exec().fetchOpenOrders(ctx.instrumentId);
          assert.ok(open.some((o) => o.clientOrderId === placed.clientOrderId), 'in open orders');
          const cancelled = await exec().cancelOrder(ctx.instrumentId, placed.clientOrderId);
          assert.equal(cancelled.status, 'CANCELLED');
          const after = await exec().fetchOpenOrders(ctx.instrumentId);
          assert.ok(!after.some((o) => o.clientOrderId === placed.clientOrderId), 'not open after cancel');
          await waitFor(() => events.some((e) => e.type === 'order' && e.order.clientOrderId === placed.clientOrderId && e.order.status === 'CANCELLED'), timeout, 'cancel on the private stream');
        } finally {
          off();
        }
      },
    },
    {
      name: 'retrying createOrder with the same client id never doubles the order',
      run: async () => {
        const id = ctx.clientOrderId('retry');
        const request = { clientOrderId: id, instrumentId: ctx.instrumentId, side: 'BUY' as const, type: 'LIMIT' as const, price: await ctx.restingBuyPrice(), quantity: ctx.quantity };
        const first = await exec().createOrder(request);
        const second = await exec().createOrder(request).catch((error: unknown) => error);
        if (!(second instanceof OrderRejectedError)) assert.equal((second as OrderState).exchangeOrderId, first.exchangeOrderId);
        assert.equal(await ctx.simulator.ordersWithClientId(id), 1);
        await exec().cancelOrder(ctx.instrumentId, id);
      },
    },
    {
      name: 'unknown client order id → null',
      run: async () => {
        assert.equal(await exec().fetchOrderByClientId(ctx.instrumentId, ctx.clientOrderId('nothere')), null);
      },
    },
    {
      name: 'fetchBalances returns exact non-negative balances',
      run: async () => {
        const balances = await exec().fetchBalances();
        assert.ok(balances.length > 0, 'balances');
        for (const b of balances) assert.ok(b.total.gte(0) && b.available.lte(b.total), `balance ${b.currency}`);
      },
    },
    {
      name: 'after dropped connections the adapter reconnects, resyncs the book and keeps trading',
      run: async () => {
        const md = ctx.adapter().marketData;
        const seen: BookEvent[] = [];
        const sub = md.watch(ctx.instrumentId, 'book', (e) => { if (e.type === 'book') seen.push(e); });
        try {
          await waitFor(() => seen.length > 0, timeout, 'book before the drop');
          await ctx.simulator.dropConnections();
          await waitFor(() => seen.some((e) => e.resynced), timeout, 'resynced book after reconnect');
          await waitBookInSync();
          const placed = await place('afterdrop');
          await exec().cancelOrder(ctx.instrumentId, placed.clientOrderId);
        } finally {
          sub.unsubscribe();
        }
      },
    },
  ];
  const { timeoutNextOrder, rejectNextOrder } = ctx.simulator;
  if (timeoutNextOrder) {
    cases.push({
      name: 'a placement accepted but never answered is reconciled by client id, with no duplicate',
      run: async () => {
        await timeoutNextOrder();
        const placed = await place('timeout');
        assert.ok(placed.exchangeOrderId, 'reconciled order has an exchange id');
        assert.equal(await ctx.simulator.ordersWithClientId(placed.clientOrderId), 1);
        await exec().cancelOrder(ctx.instrumentId, placed.clientOrderId);
      },
    });
  }
  if (rejectNextOrder) {
    cases.push({
      name: 'a refused placement rejects with OrderRejectedError carrying the venue code',
      run: async () => {
        await rejectNextOrder();
        const error = await place('rejected').catch((e: unknown) => e);
        assert.ok(error instanceof OrderRejectedError, 'OrderRejectedError');
        assert.ok(error.code.length > 0, 'code');
      },
    });
  }
  return cases;
}
