/**
 * Replay of recorded OKX `books` messages (JSONL, one OKX push per line, OKX's own format). The recorded levels
 * drive the REAL book as background liquidity, so replayed markets stay tradeable and the simulator republishes
 * them with its own seqId chain and checksums.
 */
import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import type { BookSide } from '../matching/index.js';
import type { OkxExchange } from '../okx/exchange.js';
import { isRecord } from '../http-util.js';

interface ReplayLevelSet {
  instId: string;
  snapshot: boolean;
  bids: [string, string][];
  asks: [string, string][];
}

function levels(value: unknown): [string, string][] {
  if (!Array.isArray(value)) return [];
  const out: [string, string][] = [];
  for (const row of value) {
    if (Array.isArray(row) && typeof row[0] === 'string' && typeof row[1] === 'string') out.push([row[0], row[1]]);
  }
  return out;
}

/** Parses JSONL text; lines that are not OKX books pushes are skipped. */
export function parseBooksJsonl(text: string): ReplayLevelSet[] {
  const out: ReplayLevelSet[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(msg) || !isRecord(msg.arg) || !Array.isArray(msg.data)) continue;
    const instId = msg.arg.instId;
    const data: unknown = msg.data[0];
    if (typeof instId !== 'string' || !isRecord(data)) continue;
    out.push({ instId, snapshot: msg.action !== 'update', bids: levels(data.bids), asks: levels(data.asks) });
  }
  return out;
}

export class BooksReplay {
  private readonly messages: ReplayLevelSet[];
  private index = 0;
  private readonly resting = new Map<string, string>();

  constructor(
    private readonly exchange: OkxExchange,
    source: { file: string } | { text: string },
    /** Restart from the first message when the file ends. */
    private readonly loop = true,
  ) {
    this.messages = parseBooksJsonl('file' in source ? readFileSync(source.file, 'utf8') : source.text);
  }

  instIds(): string[] {
    return [...new Set(this.messages.map((m) => m.instId))];
  }

  get done(): boolean {
    return !this.loop && this.index >= this.messages.length;
  }

  /** Applies the next recorded message to the book. */
  step(): void {
    if (this.messages.length === 0) return;
    if (this.index >= this.messages.length) {
      if (!this.loop) return;
      this.index = 0;
    }
    const msg = this.messages[this.index++];
    if (!msg) return;
    if (msg.snapshot) {
      for (const [key, id] of this.resting) {
        if (key.startsWith(`${msg.instId}|`)) {
          this.exchange.cancelBackground(msg.instId, id);
          this.resting.delete(key);
        }
      }
    }
    const apply = (side: BookSide, [px, sz]: [string, string]) => {
      const key = `${msg.instId}|${side}|${new Decimal(px).toFixed()}`;
      const existing = this.resting.get(key);
      if (existing !== undefined) this.exchange.cancelBackground(msg.instId, existing);
      this.resting.delete(key);
      const size = new Decimal(sz);
      if (size.gt(0)) this.resting.set(key, this.exchange.placeBackground(msg.instId, side, new Decimal(px), size, 'GTC'));
    };
    // Removals first: a level added by this message must never cross a level this message deletes.
    const removed = (l: [string, string]) => new Decimal(l[1]).isZero();
    for (const level of msg.bids) if (removed(level)) apply('buy', level);
    for (const level of msg.asks) if (removed(level)) apply('sell', level);
    for (const level of msg.bids) if (!removed(level)) apply('buy', level);
    for (const level of msg.asks) if (!removed(level)) apply('sell', level);
  }
}
