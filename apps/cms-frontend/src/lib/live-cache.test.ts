import { QueryClient, QueryObserver, type QueryKey } from '@tanstack/react-query';
import { describe, expect, it, vi } from 'vitest';
import type { Bot, EngineEvent, Fill, Order, PnlSnapshot } from '@trading/shared-types/browser';
import type { Page, PnlSeries } from './api-types.js';
import { applyEvent, createThrottledInvalidator, LIVE_KEYS, MAX_PNL_BUCKETS, mergePnlPoint, pnlHistoryKey, type LiveAlert, type LivePnlPoint } from './live-cache.js';

const base = { engineId: 'e1', exchange: 'okx' as const, botId: 'b1', timestamp: 1_700_000_000_000 };
const page = <T>(data: T[]): Page<T> => ({ data, total: data.length, page: 1, limit: 50, totalPages: 1 });

const order: Order = {
  orderId: 'o1', clientOrderId: 'o1', exchange: 'okx', botId: 'b1', instrumentId: 'okx:BTC-USDT-SWAP', side: 'BUY', type: 'LIMIT',
  price: '100', quantity: '1', filledQuantity: '1', status: 'FILLED', source: 'strategy', mode: 'paper', createdAt: 1, updatedAt: 2,
};
const fill: Fill = {
  fillId: 'f1', orderId: 'o1', exchange: 'okx', botId: 'b1', instrumentId: 'okx:BTC-USDT-SWAP', side: 'BUY', price: '100', quantity: '1',
  fee: '0.01', feeCurrency: 'USDT', role: 'maker', mode: 'paper', timestamp: 3,
};

function setup() {
  const qc = new QueryClient();
  const invalidated: QueryKey[] = [];
  const apply = (e: EngineEvent) => { applyEvent(qc, e, (k) => invalidated.push(k)); };
  return { qc, invalidated, apply };
}

describe('applyEvent', () => {
  it('patches a bot state in lists and detail without a refetch', () => {
    const { qc, apply } = setup();
    const bot = { botId: 'b1', name: 'x', status: 'STARTING' } as Bot;
    qc.setQueryData(['bots', 'all'], page([bot, { ...bot, botId: 'b2' }]));
    qc.setQueryData(['bot', 'b1'], bot);
    apply({ ...base, eventId: 'ev1', type: 'bot-state-changed', payload: { from: 'STARTING', to: 'RUNNING', reason: 'started' } });
    expect(qc.getQueryData<Page<Bot>>(['bots', 'all'])?.data.map((b) => b.status)).toEqual(['RUNNING', 'STARTING']);
    expect(qc.getQueryData<Bot>(['bot', 'b1'])?.status).toBe('RUNNING');
  });

  it('prepends a fill once (idempotent on fillId) and upserts its order', () => {
    const { qc, apply, invalidated } = setup();
    qc.setQueryData(['bot-fills', 'b1'], page<Fill>([]));
    qc.setQueryData(['bot-orders', 'b1'], page<Order>([{ ...order, status: 'OPEN', filledQuantity: '0' }]));
    const event: EngineEvent = { ...base, eventId: 'ev2', type: 'order-filled', payload: { fill, order } };
    apply(event);
    apply(event);
    expect(qc.getQueryData<Page<Fill>>(['bot-fills', 'b1'])?.data.map((f) => f.fillId)).toEqual(['f1']);
    expect(qc.getQueryData<Page<Order>>(['bot-orders', 'b1'])?.data).toMatchObject([{ orderId: 'o1', status: 'FILLED', filledQuantity: '1' }]);
    expect(invalidated).toContainEqual(['trades']);
  });

  it('appends live PnL points and raises alerts', () => {
    const { qc, apply } = setup();
    const pnl = { exchange: 'okx' as const, botId: 'b1', mode: 'paper' as const, currency: 'USDT', realizedPnl: '1', unrealizedPnl: '0.5', totalPnl: '1.5', fees: '0', equity: '1001.5', timestamp: 10 };
    apply({ ...base, eventId: 'ev3', type: 'pnl-updated', payload: { pnl } });
    expect(qc.getQueryData<LivePnlPoint[]>(LIVE_KEYS.pnl('b1'))).toEqual([{ timestamp: 10, totalPnl: '1.5', equity: '1001.5', realizedPnl: '1', unrealizedPnl: '0.5' }]);
    apply({ ...base, eventId: 'ev4', type: 'risk-breached', payload: { rule: 'max-daily-loss', scope: 'bot', limit: '10', value: '11', action: 'risk-stop', message: 'daily loss 11 ≥ 10' } });
    expect(qc.getQueryData<LiveAlert[]>(LIVE_KEYS.alerts)).toMatchObject([{ id: 'ev4', severity: 'critical', title: 'Risk: max-daily-loss' }]);
  });

  it('leaves views that were never loaded alone', () => {
    const { qc, apply } = setup();
    apply({ ...base, eventId: 'ev5', type: 'order-updated', payload: { order } });
    expect(qc.getQueryData(['bot-orders', 'b1'])).toBeUndefined();
  });
});

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const snap = (timestamp: number, totalPnl: string, equity = '1000'): PnlSnapshot => ({
  exchange: 'okx', botId: 'b1', mode: 'paper', currency: 'USDT', realizedPnl: totalPnl, unrealizedPnl: '0', totalPnl, fees: '0.1', equity, timestamp,
});
const bucket = (timestamp: number, totalPnl: string) => ({ timestamp: new Date(timestamp).toISOString(), realizedPnl: totalPnl, unrealizedPnl: '0', totalPnl, fees: '0', equity: '1000', bots: 1 });
const history = (points: ReturnType<typeof bucket>[], from = T0 - 86_400_000, to = T0): PnlSeries => ({
  scope: 'bot', bucket: '1m', from: new Date(from).toISOString(), to: new Date(to).toISOString(), series: points, summary: { realizedPnl: '0', unrealizedPnl: '0', totalPnl: '0', fees: '0', equity: '1000', bots: 1 },
});
const pnlEvent = (eventId: string, pnl: PnlSnapshot): EngineEvent => ({ ...base, eventId, type: 'pnl-updated', payload: { pnl } });

describe('live PnL into the bot PnL history', () => {
  it('updates the chart\'s history and summary from socket events without refetching it', async () => {
    const qc = new QueryClient({ defaultOptions: { queries: { staleTime: 0, retry: false } } });
    let fetches = 0;
    const observer = new QueryObserver<PnlSeries>(qc, {
      queryKey: pnlHistoryKey('b1'),
      queryFn: () => {
        fetches += 1;
        return Promise.resolve(history([bucket(T0 - 60_000, '1')]));
      },
    });
    const seen: (PnlSeries | undefined)[] = [];
    const unsubscribe = observer.subscribe((r) => seen.push(r.data));
    await vi.waitFor(() => { expect(observer.getCurrentResult().data).toBeDefined(); });
    const invalidate = createThrottledInvalidator(qc, 10);
    apply3(qc, invalidate);
    // Stale-marking or refetching would show here (the observer is active, so an invalidation refetches it).
    await new Promise((r) => setTimeout(r, 50));
    expect(fetches).toBe(1);
    const data = observer.getCurrentResult().data;
    expect(data?.series.map((p) => [p.timestamp, p.totalPnl])).toEqual([
      [new Date(T0 - 60_000).toISOString(), '1'],
      [new Date(T0).toISOString(), '2.5'], // two snapshots in one minute: the bucket keeps the later
      [new Date(T0 + 60_000).toISOString(), '3'],
    ]);
    expect(data?.summary).toMatchObject({ totalPnl: '3', equity: '1003', fees: '0.1' });
    expect(seen.filter((d) => d !== undefined).length).toBeGreaterThanOrEqual(4);
    unsubscribe();
    qc.clear();
  });

  it('still marks the aggregated PnL views stale, but not the bot\'s history', () => {
    const { apply, invalidated } = setup();
    apply(pnlEvent('ev20', snap(T0, '1')));
    expect(invalidated).toEqual(expect.arrayContaining([['pnl', 'portfolio'], ['pnl', 'by-exchange'], ['pnl', 'stats']]));
    // ['pnl'] is a prefix of the bot's history key: invalidating it refetched the history on every PnL event.
    expect(invalidated.some((k) => k.length < 2 || k[1] === 'bot')).toBe(false);
  });

  it('ignores a snapshot from a bucket before the last one and refetches a history it cannot bucket', () => {
    const h = history([bucket(T0, '5')]);
    expect(mergePnlPoint(h, snap(T0 - 60_000, '4'))).toBe(h);
    expect(mergePnlPoint({ ...h, bucket: 'fortnightly' }, snap(T0, '4'))).toBeNull();
    const { qc, apply, invalidated } = setup();
    qc.setQueryData(pnlHistoryKey('b1'), { ...h, bucket: 'fortnightly' });
    apply(pnlEvent('ev21', snap(T0 + 1000, '6')));
    expect(invalidated).toContainEqual(pnlHistoryKey('b1'));
  });

  it('keeps the series bounded: the window slides with the live points and never exceeds MAX_PNL_BUCKETS', () => {
    // A 24 h window with a bucket in every minute, fetched at T0.
    const full = history(Array.from({ length: MAX_PNL_BUCKETS }, (_, i) => bucket(T0 - (MAX_PNL_BUCKETS - 1 - i) * 60_000, String(i))));
    let h: PnlSeries = full;
    for (let m = 1; m <= 90; m += 1) h = mergePnlPoint(h, snap(T0 + m * 60_000 + 500, `live${String(m)}`)) ?? h;
    expect(h.series.length).toBeLessThanOrEqual(MAX_PNL_BUCKETS);
    expect(h.series.at(-1)?.totalPnl).toBe('live90');
    expect(Date.parse(h.series[0]?.timestamp ?? '')).toBeGreaterThan(T0 + 90 * 60_000 - 86_400_000 - 60_000);
    // A wider bucket keeps its own width: 1 h buckets over a week.
    const weekly = { ...history([bucket(T0, '1')], T0 - 7 * 86_400_000), bucket: '1h' };
    expect(mergePnlPoint(weekly, snap(T0 + 30 * 60_000, '2'))?.series.map((p) => p.totalPnl)).toEqual(['2']);
  });
});

/** Three PnL events: one in the last stored minute's successor, a later one in that minute, one in the next. */
function apply3(qc: QueryClient, invalidate: (key: QueryKey) => void): void {
  applyEvent(qc, pnlEvent('ev10', snap(T0 + 1_000, '2', '1002')), invalidate);
  applyEvent(qc, pnlEvent('ev11', snap(T0 + 30_000, '2.5', '1002.5')), invalidate);
  applyEvent(qc, pnlEvent('ev12', snap(T0 + 61_000, '3', '1003')), invalidate);
}
