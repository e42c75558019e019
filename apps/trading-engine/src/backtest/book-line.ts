/**
 * A fast path for the commonest recorded line, a book line as toJsonl writes it:
 *
 *   {"type":"book","ts":1767225600000,"instrumentId":"okx:BTC-USDT-SWAP"[,"action":"update"],"bids":[["95000.1","1.2"],...],"asks":[...]}
 *
 * Read with charCodeAt instead of JSON.parse, which builds an object, two arrays and an array per level only for
 * the parser to take them apart again. Deliberately narrow: that exact key order, no whitespace, strings without
 * escapes, a plain integer ts of at most 15 digits. Anything else (even valid JSON) returns false and the caller
 * parses the line with JSON.parse, so a line the fast path reads is one JSON.parse reads the same way, and a
 * malformed line is reported exactly as before.
 */
export interface ScannedBookLine {
  ts: number;
  instrumentId: string;
  action: 'snapshot' | 'update';
  /** Flat [price, size, price, size, ...] texts, reused from line to line. */
  bids: string[];
  asks: string[];
}

export function emptyScannedBookLine(): ScannedBookLine {
  return { ts: 0, instrumentId: '', action: 'snapshot', bids: [], asks: [] };
}

const PREFIX = '{"type":"book","ts":';
const INSTRUMENT = ',"instrumentId":"';
const SNAPSHOT = ',"action":"snapshot"';
const UPDATE = ',"action":"update"';
const BIDS = ',"bids":[';
const ASKS = ',"asks":[';
const QUOTE = 34;
const BACKSLASH = 92;

/** Index of the closing quote of a string whose contents start at `from`; -1 on an escape or control character. */
function stringEnd(line: string, from: number): number {
  for (let i = from; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

/** Reads `["p","s"],...]` from `from` (just after the opening bracket) into `out`; the index after `]`, or -1. */
function levels(line: string, from: number, out: string[]): number {
  out.length = 0;
  let i = from;
  if (line.charCodeAt(i) === 93) return i + 1;
  for (;;) {
    if (line.charCodeAt(i) !== 91 || line.charCodeAt(i + 1) !== QUOTE) return -1;
    const priceEnd = stringEnd(line, i + 2);
    if (priceEnd < 0 || line.charCodeAt(priceEnd + 1) !== 44 || line.charCodeAt(priceEnd + 2) !== QUOTE) return -1;
    const sizeEnd = stringEnd(line, priceEnd + 3);
    if (sizeEnd < 0 || line.charCodeAt(sizeEnd + 1) !== 93) return -1;
    out.push(line.slice(i + 2, priceEnd), line.slice(priceEnd + 3, sizeEnd));
    i = sizeEnd + 2;
    const next = line.charCodeAt(i);
    if (next === 93) return i + 1;
    if (next !== 44) return -1;
    i += 1;
  }
}

/** Fills `out` from a book line in the canonical form above; false (out then unspecified) for any other line. */
export function scanBookLine(line: string, out: ScannedBookLine): boolean {
  if (!line.startsWith(PREFIX)) return false;
  let i = PREFIX.length;
  const tsStart = i;
  let ts = 0;
  if (line.charCodeAt(i) === 48) i += 1;
  else {
    for (let c = line.charCodeAt(i); c >= 48 && c <= 57; c = line.charCodeAt(i)) {
      ts = ts * 10 + (c - 48);
      i += 1;
    }
  }
  // Up to 15 digits the running value is exact; a leading zero must stand alone (JSON).
  if (i === tsStart || i - tsStart > 15) return false;
  if (!line.startsWith(INSTRUMENT, i)) return false;
  i += INSTRUMENT.length;
  const idEnd = stringEnd(line, i);
  if (idEnd < 0) return false;
  const instrumentId = line.slice(i, idEnd);
  i = idEnd + 1;
  let action: 'snapshot' | 'update' = 'snapshot';
  if (line.startsWith(SNAPSHOT, i)) i += SNAPSHOT.length;
  else if (line.startsWith(UPDATE, i)) {
    action = 'update';
    i += UPDATE.length;
  }
  if (!line.startsWith(BIDS, i)) return false;
  i = levels(line, i + BIDS.length, out.bids);
  if (i < 0 || !line.startsWith(ASKS, i)) return false;
  i = levels(line, i + ASKS.length, out.asks);
  if (i < 0 || i !== line.length - 1 || line.charCodeAt(i) !== 125) return false;
  out.ts = ts;
  out.instrumentId = instrumentId;
  out.action = action;
  return true;
}
