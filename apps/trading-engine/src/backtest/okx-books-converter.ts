/**
 * Converts recorded OKX `books` channel pushes (one WS message per line, as the exchange simulator's recorder and
 * the real venue send them: `{arg:{channel,instId}, action, data:[{asks, bids, ts, seqId, ...}]}`) into recorded
 * backtest lines (recorded-data.ts). Levels are `[px, sz, "0", orders]`; only price and size are kept.
 */
import type { RecordedLevel, RecordedLine } from './recorded-data.js';

interface OkxBooksPush {
  arg?: { channel?: string; instId?: string };
  action?: 'snapshot' | 'update';
  data?: { asks?: string[][]; bids?: string[][]; ts?: string }[];
}

function levels(raw: string[][] | undefined): RecordedLevel[] {
  return (raw ?? []).map((level) => [level[0] ?? '0', level[1] ?? '0']);
}

/** Lines of OKX pushes → recorded book lines (non-book lines, e.g. subscribe acks, are skipped). */
export function convertOkxBooks(text: string): RecordedLine[] {
  const out: RecordedLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const push = JSON.parse(raw) as OkxBooksPush;
    const instId = push.arg?.instId;
    const channel = push.arg?.channel ?? '';
    if (instId === undefined || !channel.startsWith('books')) continue;
    for (const data of push.data ?? []) {
      // books5 / bbo-tbt pushes have no action: each one is a full snapshot.
      out.push({ type: 'book', ts: Number(data.ts ?? '0'), instrumentId: `okx:${instId}`, action: push.action ?? 'snapshot', bids: levels(data.bids), asks: levels(data.asks) });
    }
  }
  return out;
}
