/**
 * One token's L2 book built from `book` snapshots and `price_change` level totals. Stored by price, so the
 * venue's ordering (bids ascending, asks descending, best last) never matters: views are sorted here.
 */
import { Decimal } from 'decimal.js';
import type { BookLevel, OrderBookView } from '../../ports/market-data.js';
import type { InstrumentId } from '../../ports/instruments.js';

export class LocalBook {
  private readonly bids = new Map<string, Decimal>();
  private readonly asks = new Map<string, Decimal>();
  timestamp = 0;
  sequence = 0;
  /** Set until the first snapshot after a (re)subscription or reconnect. */
  synced = false;

  constructor(readonly instrumentId: InstrumentId) {}

  snapshot(bids: readonly { price: string; size: string }[], asks: readonly { price: string; size: string }[], timestamp: number): void {
    this.bids.clear();
    this.asks.clear();
    for (const l of bids) if (!new Decimal(l.size).isZero()) this.bids.set(new Decimal(l.price).toString(), new Decimal(l.size));
    for (const l of asks) if (!new Decimal(l.size).isZero()) this.asks.set(new Decimal(l.price).toString(), new Decimal(l.size));
    this.timestamp = timestamp;
    this.sequence++;
    this.synced = true;
  }

  /** `size` is the new level total; 0 removes the level. BUY = bid side. */
  setLevel(side: 'BUY' | 'SELL', price: string, size: string, timestamp: number): void {
    const levels = side === 'BUY' ? this.bids : this.asks;
    const key = new Decimal(price).toString();
    const s = new Decimal(size);
    if (s.isZero()) levels.delete(key);
    else levels.set(key, s);
    this.timestamp = Math.max(this.timestamp, timestamp);
    this.sequence++;
  }

  view(depth?: number): OrderBookView {
    const sort = (m: Map<string, Decimal>, desc: boolean): BookLevel[] =>
      [...m.entries()]
        .map(([p, s]) => [new Decimal(p), s] as const)
        .sort((a, b) => (desc ? b[0].comparedTo(a[0]) : a[0].comparedTo(b[0])))
        .slice(0, depth);
    return { instrumentId: this.instrumentId, bids: sort(this.bids, true), asks: sort(this.asks, false), timestamp: this.timestamp, sequence: this.sequence };
  }
}
