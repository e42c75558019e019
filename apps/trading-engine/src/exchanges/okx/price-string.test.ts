import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { comparePriceStrings } from './price-string.js';

describe('comparePriceStrings', () => {
  it('orders decimal strings exactly like Decimal does', () => {
    const values = ['0.1', '0.10001', '1', '1.0', '9.99', '10', '10.5', '100', '3366.1', '3366.15', '3366', '0.00000001', '99999.9'];
    for (const a of values) {
      for (const b of values) {
        expect(Math.sign(comparePriceStrings(a, b))).toBe(new Decimal(a).cmp(new Decimal(b)));
      }
    }
  });
});
