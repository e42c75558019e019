import { QueryClient, type QueryKey } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Bot, EngineEvent, Fill, Order } from '@trading/shared-types/browser';
import type { Page } from './api-types.js';
import { applyEvent, LIVE_KEYS, type LiveAlert, type LivePnlPoint } from './live-cache.js';

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
