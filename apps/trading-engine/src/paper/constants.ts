/** Decimal constants of the paper package. */
import { Decimal } from 'decimal.js';

export const TWO = new Decimal(2);
export const DEFAULT_MMR = new Decimal('0.005');
