import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { FillReport, OrderState } from '../ports/execution.js';
import type { InstrumentId } from '../ports/instruments.js';
import { OrderTracker } from './order-tracker.js';

const instrumentId = 'okx:BTC-USDT-SWAP' as InstrumentId;

function order(overrides: Partial<OrderState> = {}): OrderState {
  return {
    clientOrderId: 'bot1o1',
    exchangeOrderId: '42',
    instrumentId,
    side: 'BUY',
    type: 'MARKET',
    price: null,
    quantity: new Decimal(1),
    filledQuantity: new Decimal(0),
    averageFillPrice: null,
    status: 'OPEN',
    fee: new Decimal(0),
    feeCurrency: 'USDT',
    createdAt: 1,
    updatedAt: 1,
    ...overrides,
  };
}

function fill(fillId: string, quantity: string, price: string): FillReport {
  return {
    fillId,
    clientOrderId: 'bot1o1',
    exchangeOrderId: '42',
    instrumentId,
    side: 'BUY',
    price: new Decimal(price),
    quantity: new Decimal(quantity),
    fee: new Decimal('-0.05'),
    feeCurrency: 'USDT',
    role: 'taker',
    timestamp: 2,
  };
}

describe('OrderTracker filled quantity', () => {
  it('counts an execution once when the order state (accFillSz) arrives before its fill', () => {
    const tracker = new OrderTracker();
    tracker.add(order(), 'strategy', false);
    // OKX pushes the order row (state filled, accFillSz 1) and the fill of that same row.
    tracker.update(
      order({ status: 'FILLED', filledQuantity: new Decimal(1), averageFillPrice: new Decimal(100), fee: new Decimal('-0.05') }),
    );
    const applied = tracker.applyFill(fill('t1', '1', '100'));
    expect(applied?.state.filledQuantity.toFixed()).toBe('1');
    expect(applied?.state.status).toBe('FILLED');
    expect(applied?.state.fee.toFixed()).toBe('-0.05');
  });

  it('sums fills that arrive before the order state, and the late state does not add again', () => {
    const tracker = new OrderTracker();
    tracker.add(order({ quantity: new Decimal(2), type: 'LIMIT', price: new Decimal(101) }), 'strategy', false);
    tracker.applyFill(fill('t1', '1', '100'));
    const second = tracker.applyFill(fill('t2', '1', '102'));
    expect(second?.state.filledQuantity.toFixed()).toBe('2');
    expect(second?.state.averageFillPrice?.toFixed()).toBe('101');
    tracker.update(order({ quantity: new Decimal(2), status: 'FILLED', filledQuantity: new Decimal(2) }));
    expect(tracker.get('bot1o1')?.state.filledQuantity.toFixed()).toBe('2');
    expect(tracker.applyFill(fill('t2', '1', '102'))).toBeNull();
  });
});
