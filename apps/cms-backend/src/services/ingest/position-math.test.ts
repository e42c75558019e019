import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { applyFill, type PositionState } from './position-math.js';

const zero = (): PositionState => ({ quantity: new Decimal(0), averageEntryPrice: new Decimal(0), realizedPnl: new Decimal(0), fees: new Decimal(0) });
const d = (v: string) => new Decimal(v);

describe('applyFill', () => {
  it('averages increases and realizes on reductions, exactly', () => {
    let s = applyFill(zero(), 'BUY', d('1'), d('100.1'), d('0.1'));
    s = applyFill(s, 'BUY', d('1'), d('100.2'), d('0.1'));
    expect(s.averageEntryPrice.toString()).toBe('100.15');
    s = applyFill(s, 'SELL', d('0.5'), d('101.15'), d('0.05'));
    expect(s.realizedPnl.toString()).toBe('0.5');
    expect(s.quantity.toString()).toBe('1.5');
    expect(s.fees.toString()).toBe('0.25');
  });
  it('flips through zero at the fill price', () => {
    let s = applyFill(zero(), 'SELL', d('2'), d('10'), d('0'));
    s = applyFill(s, 'BUY', d('3'), d('8'), d('0'));
    expect(s.realizedPnl.toString()).toBe('4');
    expect(s.quantity.toString()).toBe('1');
    expect(s.averageEntryPrice.toString()).toBe('8');
  });
});
