/**
 * A recorded JSONL file (recorded-data.ts format) read incrementally: line by line in fixed-size chunks, each line
 * through the same RecordedDataParser as parseRecordedData, so a multi-GB recording is never held in memory, with
 * the same events, the same checks and the same line numbers in errors. Synchronous reads: the backtest is CPU-bound
 * and a sync iterator costs no promise per event.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Instrument } from '../ports/instruments.js';
import { RecordedDataParser, eventTime, isInstrument, type ReplayEvent } from './recorded-data.js';

/**
 * Events to replay without holding them: the runner needs the first and last event times up front (simulated clock
 * start, equity sampling step); `progress` reports how far the iteration got (here bytes read of the file's size).
 */
export interface ReplayStream {
  startTime: number;
  endTime: number;
  events: Iterable<ReplayEvent>;
  progress?: () => readonly [done: number, total: number];
}

export interface RecordedFile {
  /** The instrument lines, which come before the events. */
  instruments: Instrument[];
  /** The events; null when the file holds none. Re-iterable: each iteration reads the file again. */
  stream: ReplayStream | null;
}

const CHUNK = 1 << 20;
/** Beyond this much tail without an event line, the end time comes from a full pass instead. */
const MAX_TAIL = 4 << 20;

/**
 * The file's lines, in order (a line is what `text.split('\n')` gives). Lines split at the byte 0x0A, which never
 * occurs inside a multi-byte UTF-8 sequence, so each line decodes on its own. A pull reader, not a generator: no
 * result object or tuple per line.
 */
class LineReader {
  /** 0-based number of the line next() returned last. */
  index = -1;
  /** Bytes consumed: up to the end of that line. */
  offset = 0;
  /** The current line (advance()): bytes [lineStart, lineEnd) of `buffer`, valid until the next advance(). */
  buffer: Buffer;
  lineStart = 0;
  lineEnd = 0;
  private start = 0;
  private end = 0;
  private eof = false;
  private done = false;

  constructor(
    private readonly fd: number,
    chunk: number,
  ) {
    this.buffer = Buffer.allocUnsafe(chunk);
  }

  next(): string | null {
    return this.advance() ? this.text() : null;
  }

  /** The current line, decoded. */
  text(): string {
    return this.buffer.toString('utf8', this.lineStart, this.lineEnd);
  }

  /** Moves to the next line without decoding it; false at the end. */
  advance(): boolean {
    if (this.done) return false;
    for (;;) {
      const newline = this.start < this.end ? this.buffer.indexOf(10, this.start) : -1;
      if (newline !== -1 && newline < this.end) {
        this.lineStart = this.start;
        this.lineEnd = newline;
        this.offset += newline + 1 - this.start;
        this.start = newline + 1;
        this.index += 1;
        return true;
      }
      if (this.eof) {
        // End of file: what is left is the last line (split gives it even when empty).
        this.lineStart = this.start;
        this.lineEnd = this.end;
        this.offset += this.end - this.start;
        this.start = this.end;
        this.done = true;
        this.index += 1;
        return true;
      }
      this.fill();
    }
  }

  /** Moves the partial line to the front (growing the buffer if it fills it) and reads after it. */
  private fill(): void {
    const left = this.end - this.start;
    if (left === this.buffer.length) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, this.start, this.end);
      this.buffer = bigger;
    } else if (this.start > 0) {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
    }
    this.start = 0;
    this.end = left;
    const read = readSync(this.fd, this.buffer, left, this.buffer.length - left, null);
    this.end += read;
    if (read === 0) this.eof = true;
  }
}

function instrumentAfterEvents(index: number): Error {
  return new Error(`recorded data line ${String(index + 1)}: instrument lines must come before the events`);
}

/**
 * The file's events after its leading instrument lines, each parsed from the previous book state. An iterator
 * object rather than a generator: one result object for all events (for...of reads it before asking again), and
 * book lines parsed from the read buffer without decoding them (RecordedDataParser.parseBytes).
 */
class FileEvents implements Iterator<ReplayEvent> {
  /** Opened at the first next(), as the generator this replaced did. */
  private lines: LineReader | null = null;
  private fd = -1;
  private readonly parser = new RecordedDataParser();
  private started = false;
  private closed = false;
  private readonly result: { done: boolean; value: ReplayEvent | undefined } = { done: false, value: undefined };

  constructor(
    private readonly path: string,
    private readonly chunk: number,
    private readonly onRead?: (offset: number) => void,
  ) {}

  next(): IteratorResult<ReplayEvent> {
    const result = this.result;
    if (this.closed) return { done: true, value: undefined };
    if (this.lines === null) {
      this.fd = openSync(this.path, 'r');
      this.lines = new LineReader(this.fd, this.chunk);
    }
    const lines = this.lines;
    try {
      while (lines.advance()) {
        const parsed = this.parser.parseBytes(lines.buffer, lines.lineStart, lines.lineEnd, lines.index) ?? this.parser.parseLine(lines.text(), lines.index);
        this.onRead?.(lines.offset);
        if (parsed === null) continue;
        if (isInstrument(parsed)) {
          if (this.started) throw instrumentAfterEvents(lines.index);
          continue;
        }
        this.started = true;
        result.value = parsed;
        return result as IteratorResult<ReplayEvent>;
      }
    } catch (error) {
      this.close();
      throw error;
    }
    this.close();
    result.done = true;
    result.value = undefined;
    return result as IteratorResult<ReplayEvent>;
  }

  /** for...of calls it when it stops early (break, throw): the file is closed as the generator's finally did. */
  return(): IteratorResult<ReplayEvent> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== -1) closeSync(this.fd);
  }
}

function fileEvents(path: string, chunk: number, onRead?: (offset: number) => void): Iterator<ReplayEvent> & Iterable<ReplayEvent> {
  return new FileEvents(path, chunk, onRead);
}

/**
 * The time of the file's last event, from its tail: the last line that is not blank or an instrument, parsed on its
 * own (a signal's time is its own `timestamp`, as eventTime says). Null when the tail does not give it plainly (the
 * line is malformed, or no event line near the end); the caller then reads the whole file, whose parse reports a bad
 * line with its number.
 */
function lastEventTimeFromTail(path: string, size: number): number | null {
  const fd = openSync(path, 'r');
  try {
    for (let length = Math.min(size, 64 << 10); ; length = Math.min(size, length * 4)) {
      const buffer = Buffer.allocUnsafe(length);
      readSync(fd, buffer, 0, length, size - length);
      const lines = buffer.toString('utf8').split('\n');
      // Unless the whole file was read, the first piece may be a partial line.
      const from = length === size ? 0 : 1;
      for (let i = lines.length - 1; i >= from; i -= 1) {
        const text = lines[i] ?? '';
        if (text.trim() === '') continue;
        let parsed: Instrument | ReplayEvent | null;
        try {
          parsed = new RecordedDataParser().parseLine(text, 0);
        } catch {
          return null;
        }
        if (parsed === null || isInstrument(parsed)) continue;
        return eventTime(parsed);
      }
      if (length === size || length >= MAX_TAIL) return null;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a recorded JSONL file for a streamed backtest: reads its instruments and the first and last event times.
 * `chunkBytes`: the read size (tests use a small one to split lines across reads).
 */
export function openRecordedFile(path: string, chunkBytes = CHUNK): RecordedFile {
  const instruments: Instrument[] = [];
  const parser = new RecordedDataParser();
  let first: ReplayEvent | null = null;
  let size: number;
  const fd = openSync(path, 'r');
  try {
    size = fstatSync(fd).size;
    const lines = new LineReader(fd, chunkBytes);
    for (let text = lines.next(); text !== null; text = lines.next()) {
      const parsed = parser.parseLine(text, lines.index);
      if (parsed === null) continue;
      if (isInstrument(parsed)) {
        instruments.push(parsed);
        continue;
      }
      first = parsed;
      break;
    }
  } finally {
    closeSync(fd);
  }
  if (first === null) return { instruments, stream: null };
  let endTime = lastEventTimeFromTail(path, size);
  if (endTime === null) {
    for (const event of fileEvents(path, chunkBytes)) endTime = eventTime(event);
  }
  let done = 0;
  const onRead = (offset: number): void => {
    done = offset;
  };
  return {
    instruments,
    stream: {
      startTime: eventTime(first),
      endTime: endTime ?? eventTime(first),
      events: { [Symbol.iterator]: () => fileEvents(path, chunkBytes, onRead) },
      progress: () => [done, size] as const,
    },
  };
}
