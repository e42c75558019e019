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
 *
 * scanBookBytes and scanTradeBytes (below) read the same book lines, and trade lines, from the file's read buffer
 * before any string is made, narrower still (canonical decimals, ASCII strings); the string path takes the rest.
 */
import type { Decimal } from 'decimal.js';

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

/**
 * A price or size text in the canonical form the byte reader takes: digits without a superfluous leading zero, an
 * optional fraction of at least one digit, at most 14 digits in all (`0`, `95000.1`, `0.050`). Such a text is
 * identified by the number `mantissa × 16 + fraction digits` (a bijection: the text is rebuilt from it), so a book
 * keyed by that number keys levels exactly as it would by the text, without the text.
 */
const MAX_DIGITS = 14;

/** Set by decimalAt: the key of the text read. Module state, so reading a number allocates nothing. */
let scannedKey = 0;

/** Reads a canonical decimal text starting at `i` up to its closing quote; that quote's index, or -1. */
function decimalAt(buf: Buffer, i: number, end: number): number {
  let c = i < end ? (buf[i] ?? 0) : 0;
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  if (c === 48) {
    digits = 1;
    i += 1;
  } else if (c >= 49 && c <= 57) {
    for (; i < end && c >= 48 && c <= 57; c = buf[++i] ?? 0) {
      mantissa = mantissa * 10 + (c - 48);
      digits += 1;
    }
  } else return -1;
  c = i < end ? (buf[i] ?? 0) : 0;
  if (c === 46) {
    i += 1;
    for (c = i < end ? (buf[i] ?? 0) : 0; i < end && c >= 48 && c <= 57; c = buf[++i] ?? 0) {
      mantissa = mantissa * 10 + (c - 48);
      digits += 1;
      fraction += 1;
    }
    if (fraction === 0) return -1;
  }
  if (digits > MAX_DIGITS || i >= end || buf[i] !== QUOTE) return -1;
  scannedKey = mantissa * 16 + fraction;
  return i;
}

/** The key decimalAt gives a canonical text, else the text itself (a price key of LocalBook in recorded-data.ts). */
export function levelKey(text: string): number | string {
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === 48) {
    digits = 1;
    i = 1;
  } else if (c >= 49 && c <= 57) {
    for (; c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
      mantissa = mantissa * 10 + (c - 48);
      digits += 1;
    }
  } else return text;
  if (text.charCodeAt(i) === 46) {
    for (c = text.charCodeAt(++i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
      mantissa = mantissa * 10 + (c - 48);
      digits += 1;
      fraction += 1;
    }
    if (fraction === 0) return text;
  }
  if (digits > MAX_DIGITS || i !== text.length) return text;
  return mantissa * 16 + fraction;
}

/** The Decimals of canonical texts by key; on a miss, the text is at [from, to) of `buf` (ASCII: latin1 decodes it). */
export interface KeyedDecimals {
  byKey(key: number, buf: Buffer, from: number, to: number): Decimal;
}

/** A book line read from bytes: each level's price key, price and size, flat. Reused from line to line. */
export interface ScannedBookBytes {
  ts: number;
  instrumentId: string;
  action: 'snapshot' | 'update';
  /** Flat [priceKey, sizeKey, ...]. */
  bidKeys: number[];
  askKeys: number[];
  /** Flat [price, size, ...]. */
  bids: Decimal[];
  asks: Decimal[];
  /** The bytes of `instrumentId`: the next line's id is compared with them before any string is made. */
  idBytes: Uint8Array;
}

export function emptyScannedBookBytes(): ScannedBookBytes {
  return { ts: 0, instrumentId: '', action: 'snapshot', bidKeys: [], askKeys: [], bids: [], asks: [], idBytes: new Uint8Array(0) };
}

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);
const PREFIX_BYTES = bytesOf(PREFIX);
const INSTRUMENT_BYTES = bytesOf(INSTRUMENT);
const SNAPSHOT_BYTES = bytesOf(SNAPSHOT);
const UPDATE_BYTES = bytesOf(UPDATE);
const BIDS_BYTES = bytesOf(BIDS);
const ASKS_BYTES = bytesOf(ASKS);

function startsWithAt(buf: Buffer, i: number, end: number, what: Uint8Array): boolean {
  if (i + what.length > end) return false;
  for (let k = 0; k < what.length; k += 1) if (buf[i + k] !== what[k]) return false;
  return true;
}

/** levels() on bytes: `["p","s"],...]` from `i` into keys and decimals; the index after `]`, or -1. */
function levelBytes(buf: Buffer, i: number, end: number, keys: number[], values: Decimal[], decimals: KeyedDecimals): number {
  // Overwritten in place, truncated once at the end (setting an array's length is a runtime call, not a store).
  let n = 0;
  if (i < end && buf[i] === 93) {
    if (keys.length !== 0) {
      keys.length = 0;
      values.length = 0;
    }
    return i + 1;
  }
  for (;;) {
    if (i + 1 >= end || buf[i] !== 91 || buf[i + 1] !== QUOTE) return -1;
    const priceEnd = decimalAt(buf, i + 2, end);
    if (priceEnd < 0 || buf[priceEnd + 1] !== 44 || buf[priceEnd + 2] !== QUOTE) return -1;
    const priceKey = scannedKey;
    const sizeEnd = decimalAt(buf, priceEnd + 3, end);
    if (sizeEnd < 0 || buf[sizeEnd + 1] !== 93) return -1;
    const sizeKey = scannedKey;
    // The previous line's level at this place (still in the arrays) usually has the same price, often the same
    // size: its decimal is the one the cache would give.
    if (keys[n] !== priceKey) {
      keys[n] = priceKey;
      values[n] = decimals.byKey(priceKey, buf, i + 2, priceEnd);
    }
    if (keys[n + 1] !== sizeKey) {
      keys[n + 1] = sizeKey;
      values[n + 1] = decimals.byKey(sizeKey, buf, priceEnd + 3, sizeEnd);
    }
    n += 2;
    i = sizeEnd + 2;
    const next = buf[i];
    if (next === 93) {
      if (keys.length !== n) {
        keys.length = n;
        values.length = n;
      }
      return i + 1;
    }
    if (next !== 44) return -1;
    i += 1;
  }
}

/** Set by timestampAt: the value read. */
let scannedTs = 0;

/** A plain integer ts of at most 15 digits (as scanBookLine reads it) from `i`; the index after it, or -1. */
function timestampAt(buf: Buffer, i: number, end: number): number {
  const from = i;
  let ts = 0;
  if (i < end && buf[i] === 48) i += 1;
  else {
    for (let c = buf[i] ?? 0; i < end && c >= 48 && c <= 57; c = buf[++i] ?? 0) ts = ts * 10 + (c - 48);
  }
  // Up to 15 digits the running value is exact; a leading zero must stand alone (JSON).
  if (i === from || i - from > 15) return -1;
  scannedTs = ts;
  return i;
}

/** The closing quote of a plain ASCII string starting at `i` (no escape, control or non-ASCII byte), or -1. */
function asciiStringEnd(buf: Buffer, i: number, end: number): number {
  for (; i < end; i += 1) {
    const c = buf[i] ?? 0;
    if (c === QUOTE) return i;
    // Escapes, control characters and non-ASCII text go the string path (decoded as UTF-8 there).
    if (c === BACKSLASH || c < 0x20 || c >= 0x80) return -1;
  }
  return -1;
}

/** The instrument id at [from, to), as the string of the previous line when the bytes are the same. */
function instrumentIdOf(buf: Buffer, from: number, to: number, out: { instrumentId: string; idBytes: Uint8Array }): void {
  if (sameBytes(buf, from, to, out.idBytes)) return;
  out.idBytes = new Uint8Array(buf.subarray(from, to)); // a copy: the read buffer is reused
  out.instrumentId = buf.toString('latin1', from, to);
}

/**
 * scanBookLine on the bytes [start, end) of a buffer, without decoding the line: the same canonical form, and in
 * addition every price and size a canonical decimal (above) and the instrument id plain ASCII. False for any other
 * line (out then unspecified); the caller decodes it and takes the string path, which reads such a line the same.
 */
export function scanBookBytes(buf: Buffer, start: number, end: number, out: ScannedBookBytes, decimals: KeyedDecimals): boolean {
  if (!startsWithAt(buf, start, end, PREFIX_BYTES)) return false;
  let i = timestampAt(buf, start + PREFIX_BYTES.length, end);
  if (i < 0 || !startsWithAt(buf, i, end, INSTRUMENT_BYTES)) return false;
  const idStart = i + INSTRUMENT_BYTES.length;
  const idEnd = asciiStringEnd(buf, idStart, end);
  if (idEnd < 0) return false;
  i = idEnd + 1;
  let action: 'snapshot' | 'update' = 'snapshot';
  if (startsWithAt(buf, i, end, SNAPSHOT_BYTES)) i += SNAPSHOT_BYTES.length;
  else if (startsWithAt(buf, i, end, UPDATE_BYTES)) {
    action = 'update';
    i += UPDATE_BYTES.length;
  }
  if (!startsWithAt(buf, i, end, BIDS_BYTES)) return false;
  i = levelBytes(buf, i + BIDS_BYTES.length, end, out.bidKeys, out.bids, decimals);
  if (i < 0 || !startsWithAt(buf, i, end, ASKS_BYTES)) return false;
  i = levelBytes(buf, i + ASKS_BYTES.length, end, out.askKeys, out.asks, decimals);
  if (i < 0 || i !== end - 1 || buf[i] !== 125) return false;
  out.ts = scannedTs;
  instrumentIdOf(buf, idStart, idEnd, out);
  out.action = action;
  return true;
}

/** A trade line read from bytes. Reused from line to line. */
export interface ScannedTradeBytes {
  ts: number;
  instrumentId: string;
  idBytes: Uint8Array;
  tradeId: string;
  side: 'BUY' | 'SELL';
  price: Decimal;
  quantity: Decimal;
}

export function emptyScannedTradeBytes(zero: Decimal): ScannedTradeBytes {
  return { ts: 0, instrumentId: '', idBytes: new Uint8Array(0), tradeId: '', side: 'BUY', price: zero, quantity: zero };
}

const TRADE_PREFIX_BYTES = bytesOf('{"type":"trade","ts":');
const TRADE_ID_BYTES = bytesOf('","tradeId":"');
const BUY_BYTES = bytesOf('","side":"BUY","price":"');
const SELL_BYTES = bytesOf('","side":"SELL","price":"');
const QUANTITY_BYTES = bytesOf('","quantity":"');

/**
 * A trade line as toJsonl writes it, from bytes:
 *   {"type":"trade","ts":1767225600000,"instrumentId":"okx:BTC-USDT-SWAP","tradeId":"t1","side":"BUY","price":"95000.2","quantity":"0.5"}
 * with that key order, plain ASCII strings, a BUY or SELL side and canonical decimals. False for any other line
 * (the string path then reads it, the same way: JSON.parse gives these fields, `new Decimal` these values).
 */
export function scanTradeBytes(buf: Buffer, start: number, end: number, out: ScannedTradeBytes, decimals: KeyedDecimals): boolean {
  if (!startsWithAt(buf, start, end, TRADE_PREFIX_BYTES)) return false;
  let i = timestampAt(buf, start + TRADE_PREFIX_BYTES.length, end);
  if (i < 0 || !startsWithAt(buf, i, end, INSTRUMENT_BYTES)) return false;
  const idStart = i + INSTRUMENT_BYTES.length;
  const idEnd = asciiStringEnd(buf, idStart, end);
  if (idEnd < 0 || !startsWithAt(buf, idEnd, end, TRADE_ID_BYTES)) return false;
  const tradeIdStart = idEnd + TRADE_ID_BYTES.length;
  const tradeIdEnd = asciiStringEnd(buf, tradeIdStart, end);
  if (tradeIdEnd < 0) return false;
  let side: 'BUY' | 'SELL';
  if (startsWithAt(buf, tradeIdEnd, end, BUY_BYTES)) {
    side = 'BUY';
    i = tradeIdEnd + BUY_BYTES.length;
  } else if (startsWithAt(buf, tradeIdEnd, end, SELL_BYTES)) {
    side = 'SELL';
    i = tradeIdEnd + SELL_BYTES.length;
  } else return false;
  const priceEnd = decimalAt(buf, i, end);
  if (priceEnd < 0) return false;
  const priceKey = scannedKey;
  const priceStart = i;
  if (!startsWithAt(buf, priceEnd, end, QUANTITY_BYTES)) return false;
  const quantityStart = priceEnd + QUANTITY_BYTES.length;
  const quantityEnd = decimalAt(buf, quantityStart, end);
  if (quantityEnd < 0 || quantityEnd !== end - 2 || buf[end - 1] !== 125) return false;
  out.ts = scannedTs;
  instrumentIdOf(buf, idStart, idEnd, out);
  out.tradeId = buf.toString('latin1', tradeIdStart, tradeIdEnd);
  out.side = side;
  out.price = decimals.byKey(priceKey, buf, priceStart, priceEnd);
  out.quantity = decimals.byKey(scannedKey, buf, quantityStart, quantityEnd);
  return true;
}

function sameBytes(buf: Buffer, from: number, to: number, bytes: Uint8Array): boolean {
  if (to - from !== bytes.length) return false;
  for (let k = 0; k < bytes.length; k += 1) if (buf[from + k] !== bytes[k]) return false;
  return true;
}
