/**
 * Engine events (relayed by the CMS over Socket.IO) → the TanStack Query cache. Per-bot views are patched in
 * place (no refetch, so a fill shows within a frame of its arrival); server-paginated and aggregated views are
 * marked stale at most once a second and refetch only if on screen. There is no polling anywhere.
 */
import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { Bot, EngineEvent, EngineInfo, Fill, Order, PnlSnapshot, Position } from '@trading/shared-types/browser';
import type { Page } from './api-types';

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
      qc.setQueryData<LivePnlPoint[]>(LIVE_KEYS.pnl(pnl.botId), (old = []) => [...old, point].slice(-500));
      qc.setQueryData<PnlSnapshot>(['live-pnl-last', pnl.botId], pnl);
      invalidate(['pnl']);
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
