/**
 * Local replica of one OKX `books` channel: prices and sizes kept as the exact strings received (the checksum is
 * computed over them), sorted with an exact string comparator. Every update must chain (prevSeqId = last seqId)
 * and, when the venue sends a non-zero checksum, match the signed CRC32 of the top 25 levels; otherwise the apply
 * reports the problem and the caller resyncs from a fresh snapshot. Decimal views are built lazily.
 */
import { crc32 } from 'node:zlib';
import { Decimal } from 'decimal.js';
import type { BookLevel, OrderBookView } from '../../ports/market-data.js';
import type { InstrumentId } from '../../ports/instruments.js';
import { comparePriceStrings } from './price-string.js';
import { BOOK_CHECKSUM_DEPTH } from './constants.js';
import { CRC32_INIT, crc32Ascii, crc32Byte, crc32Finish } from './crc32.js';

export type RawLevel = readonly [px: string, sz: string, ...rest: string[]];

export interface BookData {
  asks: readonly RawLevel[];
  bids: readonly RawLevel[];
  ts: string;
  checksum?: number;
  prevSeqId?: number;
  seqId?: number;
}

const COLON = 58;

export type ApplyResult = 'ok' | 'gap' | 'checksum' | 'not-initialized';

class Side {
  readonly prices: string[] = [];
  /**
   * The level as received, by price: [px, sz, liquidated orders, order count]. Keeping the venue's array (not its
   * fields) costs nothing per update and keeps OKX's order count (the paper matcher's queue models read it), which
   * is parsed only when a decimal view is built.
   */
  readonly entries = new Map<string, RawLevel>();

  constructor(private readonly descending: boolean) {}

  clear(): void {
    this.prices.length = 0;
    this.entries.clear();
  }

  /** Where `px` is or would be inserted, among the first `limit` prices. */
  private search(px: string, limit = this.prices.length): number {
    const prices = this.prices;
    let lo = 0;
    let hi = limit;
    const sign = this.descending ? -1 : 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = prices[mid] as string;
      if (sign * comparePriceStrings(p, px) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether `px` ranks within the top `n` levels (or would, if inserted). */
  private inTop(px: string, n: number): boolean {
    const edge = this.prices[n - 1];
    if (edge === undefined) return true;
    const c = comparePriceStrings(px, edge);
    return this.descending ? c >= 0 : c <= 0;
  }

  /**
   * Sets one level ("0" removes it). Returns the rank of the shallowest level whose price or size changed (levels
   * below an insertion or removal shift), or BOOK_CHECKSUM_DEPTH when the checksummed top levels are unchanged.
   */
  set(level: RawLevel): number {
    const px = level[0];
    const sz = level[1];
    const removing = sz === '0' || (sz.charCodeAt(0) === 48 && /^0(\.0*)?$/.test(sz));
    const top = this.inTop(px, BOOK_CHECKSUM_DEPTH);
    if (this.entries.has(px)) {
      if (removing) {
        this.entries.delete(px);
        const i = this.search(px);
        this.prices.splice(i, 1);
        return Math.min(i, BOOK_CHECKSUM_DEPTH);
      }
      this.entries.set(px, level);
      return top ? this.search(px, Math.min(this.prices.length, BOOK_CHECKSUM_DEPTH)) : BOOK_CHECKSUM_DEPTH;
    }
    if (removing) return BOOK_CHECKSUM_DEPTH;
    this.entries.set(px, level);
    const prices = this.prices;
    const last = prices[prices.length - 1];
    // Snapshots arrive sorted best-first: appending is the common case.
    if (last === undefined || (this.descending ? comparePriceStrings(px, last) < 0 : comparePriceStrings(px, last) > 0)) {
      prices.push(px);
      return Math.min(prices.length - 1, BOOK_CHECKSUM_DEPTH);
    }
    if (!top) {
      prices.splice(this.search(px), 0, px);
      return BOOK_CHECKSUM_DEPTH;
    }
    const i = this.search(px, Math.min(prices.length, BOOK_CHECKSUM_DEPTH));
    prices.splice(i, 0, px);
    return i;
  }

  level(i: number): [string, string] | undefined {
    const px = this.prices[i];
    if (px === undefined) return undefined;
    return [px, this.entries.get(px)?.[1] ?? '0'];
  }

  /** Every level best first, with its order count string when the venue sent one. */
  countedLevels(): [string, string, string | undefined][] {
    const out: [string, string, string | undefined][] = [];
    for (const px of this.prices) {
      const level = this.entries.get(px);
      out.push([px, level?.[1] ?? '0', level?.[3]]);
    }
    return out;
  }
}

export class OkxOrderBook {
  private readonly bids = new Side(true);
  private readonly asks = new Side(false);
  private seqId = -1;
  private ts = 0;
  private initialized = false;
  /**
   * The checksum string interleaves bid i and ask i for i < 25. `crcAfter[i]` is the running CRC after pair i and
   * `emittedAfter[i]` whether any level was written by then; both are valid for i < `dirtyFrom`, the shallowest
   * rank changed since the last checksum, so a change at rank k recomputes pairs k… only (most updates change
   * deeper levels, or one level inside the top).
   */
  private readonly crcAfter = new Int32Array(BOOK_CHECKSUM_DEPTH);
  private readonly emittedAfter = new Uint8Array(BOOK_CHECKSUM_DEPTH);
  private dirtyFrom = 0;
  private cachedChecksum = 0;
  private cachedView: OrderBookView | null = null;

  constructor(readonly instrumentId: InstrumentId) {}

  get isInitialized(): boolean {
    return this.initialized;
  }

  get sequence(): number {
    return this.seqId;
  }

  reset(): void {
    this.bids.clear();
    this.asks.clear();
    this.seqId = -1;
    this.initialized = false;
    this.dirtyFrom = 0;
    this.cachedView = null;
  }

  applySnapshot(data: BookData): ApplyResult {
    this.reset();
    for (const level of data.bids) this.bids.set(level);
    for (const level of data.asks) this.asks.set(level);
    this.dirtyFrom = 0;
    this.finish(data);
    this.initialized = true;
    if (!this.checksumOk(data.checksum)) {
      this.initialized = false;
      return 'checksum';
    }
    return 'ok';
  }

  applyUpdate(data: BookData): ApplyResult {
    if (!this.initialized) return 'not-initialized';
    if (data.prevSeqId !== undefined && data.prevSeqId !== this.seqId) {
      this.initialized = false;
      return 'gap';
    }
    let from = this.dirtyFrom;
    for (const level of data.bids) from = Math.min(from, this.bids.set(level));
    for (const level of data.asks) from = Math.min(from, this.asks.set(level));
    this.dirtyFrom = from;
    this.finish(data);
    if (!this.checksumOk(data.checksum)) {
      this.initialized = false;
      return 'checksum';
    }
    return 'ok';
  }

  private finish(data: BookData): void {
    if (data.seqId !== undefined) this.seqId = data.seqId;
    else this.seqId++;
    this.ts = Number(data.ts);
    this.cachedView = null;
  }

  /** The checksum is verified only when the venue sends one (OKX sends 0 from June 2026). */
  private checksumOk(expected: number | undefined): boolean {
    if (expected === undefined || expected === 0) return true;
    return this.checksum() === expected;
  }

  checksum(): number {
    const start = this.dirtyFrom;
    if (start >= BOOK_CHECKSUM_DEPTH) return this.cachedChecksum;
    // CRC32 of "bid0px:bid0sz:ask0px:ask0sz:bid1px:..." over the top 25 levels, fed level by level (no closure and
    // no intermediate string), resumed after the last pair that did not change.
    let crc = start === 0 ? CRC32_INIT : (this.crcAfter[start - 1] as number);
    let first = start === 0 || this.emittedAfter[start - 1] === 0;
    const bids = this.bids;
    const asks = this.asks;
    for (let i = start; i < BOOK_CHECKSUM_DEPTH; i++) {
      const bpx = bids.prices[i];
      if (bpx !== undefined) {
        if (!first) crc = crc32Byte(crc, COLON);
        first = false;
        crc = crc32Ascii(crc32Byte(crc32Ascii(crc, bpx), COLON), bids.entries.get(bpx)?.[1] ?? '');
      }
      const apx = asks.prices[i];
      if (apx !== undefined) {
        if (!first) crc = crc32Byte(crc, COLON);
        first = false;
        crc = crc32Ascii(crc32Byte(crc32Ascii(crc, apx), COLON), asks.entries.get(apx)?.[1] ?? '');
      }
      this.crcAfter[i] = crc;
      this.emittedAfter[i] = first ? 0 : 1;
    }
    this.cachedChecksum = crc32Finish(crc);
    this.dirtyFrom = BOOK_CHECKSUM_DEPTH;
    return this.cachedChecksum;
  }

  /** Same value through zlib (one string, one native call); kept to cross-check the incremental version. */
  checksumViaZlib(): number {
    let s = '';
    for (let i = 0; i < BOOK_CHECKSUM_DEPTH; i++) {
      const bpx = this.bids.prices[i];
      if (bpx !== undefined) s += (s === '' ? '' : ':') + bpx + ':' + (this.bids.entries.get(bpx)?.[1] ?? '');
      const apx = this.asks.prices[i];
      if (apx !== undefined) s += (s === '' ? '' : ':') + apx + ':' + (this.asks.entries.get(apx)?.[1] ?? '');
    }
    return crc32(s) | 0;
  }

  /** Top levels as the venue's strings, best first. */
  levels(side: 'bids' | 'asks', depth = Infinity): [string, string][] {
    const src = side === 'bids' ? this.bids : this.asks;
    const n = Math.min(depth, src.prices.length);
    const out: [string, string][] = [];
    for (let i = 0; i < n; i++) {
      const level = src.level(i);
      if (level) out.push(level);
    }
    return out;
  }

  bestBid(): string | undefined {
    return this.bids.prices[0];
  }

  bestAsk(): string | undefined {
    return this.asks.prices[0];
  }

  /** Decimal view (built on first access after each change). */
  view(): OrderBookView {
    if (this.cachedView) return this.cachedView;
    // Each level carries its order count when the venue sent a valid one (OKX does); otherwise it stays [px, sz].
    const toLevels = (levels: [string, string, string | undefined][]): BookLevel[] =>
      levels.map(([p, s, n]) => {
        const count = n === undefined ? NaN : Number(n);
        return Number.isInteger(count) && count >= 0
          ? ([new Decimal(p), new Decimal(s), count] as const)
          : ([new Decimal(p), new Decimal(s)] as const);
      });
    let bids: BookLevel[] | null = null;
    let asks: BookLevel[] | null = null;
    const bidStrings = this.bids.countedLevels();
    const askStrings = this.asks.countedLevels();
    const view: OrderBookView = {
      instrumentId: this.instrumentId,
      get bids() {
        bids ??= toLevels(bidStrings);
        return bids;
      },
      get asks() {
        asks ??= toLevels(askStrings);
        return asks;
      },
      timestamp: this.ts,
      sequence: this.seqId,
    };
    this.cachedView = view;
    return view;
  }
}
