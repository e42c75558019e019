/**
 * OKX `books` channel publisher for one instrument: collects level changes of the real book and turns them into
 * OKX messages — a 400-level snapshot (prevSeqId -1), then `update` diffs chained by prevSeqId/seqId with the signed
 * CRC32 checksum of the top 25 levels (or 0 when the checksum is switched off, as OKX does from June 2026).
 * Faults: corrupt the next checksum, skip the next sequence number.
 */
import type { Decimal } from 'decimal.js';
import type { BookSide, OrderBook } from '../matching/index.js';
import { okxChecksum } from './checksum.js';
import type { OkxInstrumentDef } from './instruments.js';

export type OkxLevel = [px: string, sz: string, liquidatedOrders: string, orderCount: string];

export interface OkxBookData {
  asks: OkxLevel[];
  bids: OkxLevel[];
  ts: string;
  checksum: number;
  prevSeqId: number;
  seqId: number;
}

export interface OkxBooksMessage {
  arg: { channel: 'books'; instId: string };
  action: 'snapshot' | 'update';
  data: [OkxBookData];
}

export class BooksFeed {
  private seqId: number;
  private readonly pending = new Map<string, { side: BookSide; price: Decimal }>();
  private readonly tickDp: number;
  corruptNextChecksum = false;
  skipNextSeq = false;

  constructor(
    private readonly def: OkxInstrumentDef,
    private readonly book: OrderBook<null>,
    private readonly checksumEnabled: () => boolean,
    firstSeqId: number,
  ) {
    this.seqId = firstSeqId;
    this.tickDp = def.tickSz.decimalPlaces();
  }

  get lastSeqId(): number {
    return this.seqId;
  }

  px(price: Decimal): string {
    return price.toFixed(this.tickDp);
  }

  levelChanged(side: BookSide, price: Decimal): void {
    this.pending.set(`${side}${price.toFixed()}`, { side, price });
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /** OKX levels of one side, best first. */
  levels(side: BookSide, depth: number): OkxLevel[] {
    return this.book.depth(side, depth).map(([p, s, n]) => [this.px(p), s.toFixed(), '0', String(n)]);
  }

  private checksum(): number {
    if (!this.checksumEnabled()) return 0;
    const value = okxChecksum(this.levels('buy', 25), this.levels('sell', 25));
    if (this.corruptNextChecksum) {
      this.corruptNextChecksum = false;
      return value ^ 0x5a5a;
    }
    return value;
  }

  snapshot(ts: number, depth = 400): OkxBooksMessage {
    return {
      arg: { channel: 'books', instId: this.def.instId },
      action: 'snapshot',
      data: [{ asks: this.levels('sell', depth), bids: this.levels('buy', depth), ts: String(ts), checksum: this.checksum(), prevSeqId: -1, seqId: this.seqId }],
    };
  }

  /** The diff since the last flush, or null when nothing changed. */
  flush(ts: number): OkxBooksMessage | null {
    if (this.pending.size === 0) return null;
    const asks: OkxLevel[] = [];
    const bids: OkxLevel[] = [];
    const changes = [...this.pending.values()];
    this.pending.clear();
    changes.sort((a, b) => a.price.cmp(b.price));
    for (const { side, price } of changes) {
      const level = this.book.levelAt(side, price);
      const row: OkxLevel = [this.px(price), level ? level.total.toFixed() : '0', '0', level ? String(level.orderCount) : '0'];
      if (side === 'sell') asks.push(row);
      else bids.unshift(row);
    }
    let prevSeqId = this.seqId;
    if (this.skipNextSeq) {
      this.skipNextSeq = false;
      prevSeqId += 1;
      this.seqId += 1;
    }
    this.seqId += 1;
    return {
      arg: { channel: 'books', instId: this.def.instId },
      action: 'update',
      data: [{ asks, bids, ts: String(ts), checksum: this.checksum(), prevSeqId, seqId: this.seqId }],
    };
  }
}
