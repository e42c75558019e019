/**
 * Engine events (relayed by the CMS over Socket.IO) → the TanStack Query cache. Per-bot views are patched in
 * place (no refetch, so a fill shows within a frame of its arrival); server-paginated and aggregated views are
 * marked stale at most once a second and refetch only if on screen. There is no polling anywhere.
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Bot, EngineEvent, EngineInfo, Fill, Order, PnlSnapshot, Position } from '@trading/shared-types/browser';
import type { Page, PnlPoint, PnlSeries } from './api-types';

export interface LiveAlert {
  id: string;
  kind: 'risk' | 'notification';
  severity: string;
  title: string;
  message: string;
  exchange: string | null;
  botId: string | null;
  timestamp: number;
}

export interface LivePnlPoint {
  timestamp: number;
  totalPnl: string;
  equity: string;
  realizedPnl: string;
  unrealizedPnl: string;
}

export const LIVE_KEYS = {
  alerts: ['live-alerts'] as const,
  pnl: (botId: string) => ['live-pnl', botId] as const,
  engines: ['engines'] as const,
};

const MAX_ROWS = 200;
/** Live PnL points kept per bot (the chart's tail after the last stored bucket). */
const MAX_LIVE_PNL = 500;
/** Buckets kept in a bot's cached PnL history while live points are merged in (24 h of 1-minute buckets). */
export const MAX_PNL_BUCKETS = 1440;

/** The bot page's stored PnL history (one bot, bucketed): its key, shared with bots/[botId]/page.tsx. */
export const pnlHistoryKey = (botId: string) => ['pnl', 'bot', botId] as const;
/** The aggregated PnL views (portfolio, per exchange, stats): refetched, at most once a second, when on screen. */
const AGGREGATED_PNL_KEYS = [['pnl', 'portfolio'], ['pnl', 'by-exchange'], ['pnl', 'stats']] as const;

/** Bucket widths of the API's bucket codes (the PnL series carries the code it was asked for). */
const BUCKET_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000, '1w': 604_800_000 };

/** Bucket width in ms of an API bucket code ('1m'); null if unknown. */
export function bucketMs(bucket: string): number | null {
  return BUCKET_MS[bucket] ?? null;
}

/**
 * Merges one live snapshot into a bot's bucketed history the way the server builds it (date_bin from the epoch,
 * the bucket keeps its last snapshot; the summary is the latest snapshot), so the chart and the cards follow the
 * socket without refetching the whole day on every PnL event. The window slides: buckets older than the queried
 * span (from → to) before the new point are dropped, and never more than MAX_PNL_BUCKETS are kept. Returns null when
 * the series cannot be merged (unknown bucket width), for the caller to fall back to a refetch.
 */
export function mergePnlPoint(series: PnlSeries, pnl: PnlSnapshot): PnlSeries | null {
  const width = bucketMs(series.bucket);
  if (width === null) return null;
  const start = Math.floor(pnl.timestamp / width) * width;
  const point: PnlPoint = { timestamp: new Date(start).toISOString(), realizedPnl: pnl.realizedPnl, unrealizedPnl: pnl.unrealizedPnl, totalPnl: pnl.totalPnl, fees: pnl.fees, equity: pnl.equity, bots: 1 };
  const last = series.series.at(-1);
  const lastStart = last === undefined ? Number.NEGATIVE_INFINITY : Date.parse(last.timestamp);
  // From a bucket before the last one shown (a late or replayed event): the history already has a later snapshot.
  if (start < lastStart) return series;
  const parsedTo = Date.parse(series.to);
  const to = Number.isFinite(parsedTo) ? parsedTo : pnl.timestamp;
  const from = Date.parse(series.from);
  const span = Number.isFinite(from) ? to - from : 0;
  const newTo = Math.max(to, pnl.timestamp);
  const cutoff = span > 0 ? newTo - span : Number.NEGATIVE_INFINITY;
  // The point replaces its bucket when that bucket is the last one, else it opens a new bucket.
  const kept = start === lastStart ? series.series.slice(0, -1) : series.series;
  let drop = 0;
  while (drop < kept.length && Date.parse(kept[drop]?.timestamp ?? '') + width <= cutoff) drop += 1;
  drop = Math.max(drop, kept.length + 1 - MAX_PNL_BUCKETS);
  const next = [...(drop > 0 ? kept.slice(drop) : kept), point];
  const { realizedPnl, unrealizedPnl, totalPnl, fees, equity } = point;
  return {
    ...series,
    from: span > 0 ? new Date(Math.max(from, cutoff)).toISOString() : series.from,
    to: new Date(newTo).toISOString(),
    series: next,
    summary: { realizedPnl, unrealizedPnl, totalPnl, fees, equity, bots: 1 },
  };
}

type Row = Record<string, unknown>;

function upsert<T extends Row>(page: Page<T> | undefined, row: T, key: keyof T, prepend = true): Page<T> | undefined {
  if (page === undefined) return page;
  const idx = page.data.findIndex((r) => r[key] === row[key]);
  if (idx >= 0) {
    const data = page.data.slice();
    data[idx] = { ...data[idx], ...row };
    return { ...page, data };
  }
  const data = prepend ? [row, ...page.data].slice(0, Math.max(page.limit, MAX_ROWS)) : [...page.data, row];
  return { ...page, data, total: page.total + 1 };
}

/** Invalidations coalesced per key: the first marks stale at once, the rest within the next second are merged. */
export function createThrottledInvalidator(qc: QueryClient, windowMs = 1000): (key: QueryKey) => void {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  return (key) => {
    const id = JSON.stringify(key);
    if (pending.has(id)) return;
    void qc.invalidateQueries({ queryKey: key, refetchType: 'active' });
    pending.set(
      id,
      setTimeout(() => {
        pending.delete(id);
      }, windowMs),
    );
  };
}

function pushAlert(qc: QueryClient, alert: LiveAlert): void {
  qc.setQueryData<LiveAlert[]>(LIVE_KEYS.alerts, (old = []) => [alert, ...old.filter((a) => a.id !== alert.id)].slice(0, 50));
}

export function applyEvent(qc: QueryClient, event: EngineEvent, invalidate: (key: QueryKey) => void): void {
  const botId = event.botId;
  switch (event.type) {
    case 'bot-state-changed': {
      const { to, reason } = event.payload;
      if (botId === null) return;
      const patch = (b: Bot) => (b.botId === botId ? { ...b, status: to, statusReason: reason } : b);
      qc.setQueriesData<Page<Bot>>({ queryKey: ['bots'] }, (page) => (page === undefined ? page : { ...page, data: page.data.map(patch) }));
      qc.setQueryData<Bot>(['bot', botId], (b) => (b === undefined ? b : patch(b)));
      qc.setQueryData<Page<Row>>(['bot-history', botId], (page) =>
        upsert(page, { id: event.eventId, botId, fromStatus: event.payload.from, toStatus: to, reason, source: 'engine', at: new Date(event.timestamp).toISOString() }, 'id'),
      );
      invalidate(['overview-bots']);
      return;
    }
    case 'order-updated': {
      const order = event.payload.order;
      qc.setQueryData<Page<Order & Row>>(['bot-orders', order.botId], (page) => upsert(page, order as Order & Row, 'orderId'));
      invalidate(['orders']);
      return;
    }
    case 'order-filled': {
      const { fill, order } = event.payload;
      qc.setQueryData<Page<Fill & Row>>(['bot-fills', fill.botId], (page) => upsert(page, fill as Fill & Row, 'fillId'));
      qc.setQueryData<Page<Order & Row>>(['bot-orders', order.botId], (page) => upsert(page, order as Order & Row, 'orderId'));
      invalidate(['trades']);
      invalidate(['orders']);
      return;
    }
    case 'order-rejected':
      invalidate(['orders']);
      return;
    case 'position-updated': {
      const p = event.payload.position;
      const keyed = { ...p, key: `${p.instrumentId}|${p.outcome ?? ''}` };
      qc.setQueryData<Page<Position & Row>>(['bot-positions', p.botId], (page) => {
        if (page === undefined) return page;
        const data = page.data.map((r) => ({ ...r, key: `${r.instrumentId}|${typeof r.outcome === 'string' ? r.outcome : ''}` }));
        return upsert({ ...page, data }, keyed, 'key');
      });
      invalidate(['positions']);
      return;
    }
    case 'pnl-updated': {
      const pnl: PnlSnapshot = event.payload.pnl;
      const point: LivePnlPoint = { timestamp: pnl.timestamp, totalPnl: pnl.totalPnl, equity: pnl.equity, realizedPnl: pnl.realizedPnl, unrealizedPnl: pnl.unrealizedPnl };
      qc.setQueryData<LivePnlPoint[]>(LIVE_KEYS.pnl(pnl.botId), (old = []) => [...old, point].slice(-MAX_LIVE_PNL));
      qc.setQueryData<PnlSnapshot>(['live-pnl-last', pnl.botId], pnl);
      // The bot's own history takes the point in place: a refetch of the day's buckets on every PnL event (about
      // once a second while it trades) competed with the fills for the page's main thread.
      const historyKey = pnlHistoryKey(pnl.botId);
      const stored = qc.getQueryData<PnlSeries>(historyKey);
      if (stored !== undefined) {
        const merged = mergePnlPoint(stored, pnl);
        if (merged === null) invalidate(historyKey);
        else if (merged !== stored) qc.setQueryData<PnlSeries>(historyKey, merged);
      }
      for (const key of AGGREGATED_PNL_KEYS) invalidate(key);
      return;
    }
    case 'balance-updated':
      invalidate(['wallets']);
      return;
    case 'risk-breached': {
      const p = event.payload;
      pushAlert(qc, { id: event.eventId, kind: 'risk', severity: p.action === 'none' ? 'warning' : 'critical', title: `Risk: ${p.rule}`, message: p.message, exchange: event.exchange, botId, timestamp: event.timestamp });
      invalidate(['notifications']);
      return;
    }
    case 'notification-raised': {
      const p = event.payload;
      pushAlert(qc, { id: event.eventId, kind: 'notification', severity: p.severity, title: p.title, message: p.message, exchange: event.exchange, botId, timestamp: event.timestamp });
      invalidate(['notifications']);
      return;
    }
    case 'bot-log': {
      if (botId === null) return;
      qc.setQueryData<Page<Row>>(['bot-logs', botId], (page) =>
        upsert(page, { id: event.eventId, botId, level: event.payload.level, message: event.payload.message, timestamp: new Date(event.timestamp).toISOString() }, 'id'),
      );
      return;
    }
    case 'engine-registered':
    case 'engine-heartbeat': {
      const engine: EngineInfo = event.payload.engine;
      qc.setQueryData<Page<EngineInfo & Row>>(LIVE_KEYS.engines, (page) => upsert(page, engine as EngineInfo & Row, 'engineId', false));
      return;
    }
    case 'engine-stopped':
    case 'command-acknowledged':
    case 'market-resolved':
    case 'exchange-status-changed':
      invalidate(['engines']);
      invalidate(['exchanges']);
      return;
  }
}
