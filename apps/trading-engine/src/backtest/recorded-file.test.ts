/**
 * A recorded file read incrementally gives what parsing the whole text gives: the same events (books rebuilt from
 * the previous state, canonical book lines through the fast scanner or not), the same end time, the same errors
 * with line numbers, and the same backtest report.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventTime, parseRecordedData, RecordedDataParser, toJsonl, type RecordedLine } from './recorded-data.js';
import { openRecordedFile } from './recorded-file.js';
import { runBacktest, type BacktestOptions } from './runner.js';
import { buildReport, serializeReport } from './report.js';
import { BTC_SWAP, marketMakingData, signalData } from './synthetic-data.js';
import { marketMaking } from '../strategies/market-making.js';
import type { AnyStrategy } from '../strategies/types.js';

const ID = BTC_SWAP.id;
const dir = mkdtempSync(join(tmpdir(), 'recorded-file-'));
let files = 0;

function write(text: string): string {
  files += 1;
  const path = join(dir, `${String(files)}.jsonl`);
  writeFileSync(path, text);
  return path;
}

function streamed(path: string, chunkBytes?: number): { instruments: unknown[]; events: unknown[]; endTime: number | null } {
  const file = openRecordedFile(path, chunkBytes);
  return { instruments: file.instruments, events: file.stream ? [...file.stream.events] : [], endTime: file.stream?.endTime ?? null };
}

const updates: RecordedLine[] = [
  BTC_SWAP,
  { type: 'book', ts: 1, instrumentId: ID, action: 'snapshot', bids: [['100.1', '1'], ['100.3', '2']], asks: [['100.5', '3']] },
  { type: 'book', ts: 2, instrumentId: ID, action: 'update', bids: [['100.3', '0'], ['100.2', '4']], asks: [['100.4', '1']] },
  { type: 'book', ts: 2, instrumentId: ID, bids: [], asks: [['100.4', '1.50']] },
  { type: 'trade', ts: 3, instrumentId: ID, tradeId: 't', side: 'BUY', price: '100.4', quantity: '0.5' },
  { type: 'book', ts: 4, instrumentId: ID, action: 'update', bids: [['100.2', '5']], asks: [] },
];

describe('recorded file, streamed', () => {
  it('gives the events of parseRecordedData, also with lines split across reads', () => {
    for (const lines of [updates, signalData(3, 120), marketMakingData(4, 120)]) {
      const text = toJsonl(lines);
      const whole = parseRecordedData(text);
      const last = whole.events.at(-1);
      for (const chunk of [7, 64, 1 << 20]) {
        expect(streamed(write(text), chunk)).toEqual({ instruments: whole.instruments, events: whole.events, endTime: last ? eventTime(last) : null });
      }
    }
  });

  it('reads a canonical book line exactly as JSON.parse does (the same line with spaces takes the JSON.parse path)', () => {
    for (const line of updates.slice(1)) {
      const canonical = JSON.stringify(line);
      const spaced = JSON.stringify(line, null, 1).replace(/\n/g, '');
      expect(new RecordedDataParser().parseLine(canonical, 0)).toEqual(new RecordedDataParser().parseLine(spaced, 0));
    }
    // An escaped instrument id is valid JSON the scanner leaves to JSON.parse.
    const escaped = '{"type":"book","ts":1,"instrumentId":"okx:BTC\\u002dUSDT-SWAP","bids":[["1","1"]],"asks":[]}';
    const event = new RecordedDataParser().parseLine(escaped, 0);
    expect(event && 'type' in event && event.type === 'book' && event.book.instrumentId).toBe(ID);
  });

  it('reads book and trade lines from bytes as parseLine reads their text, and leaves other lines to it', () => {
    const bytes = (line: string): Buffer => Buffer.from(`x${line}\n`);
    const fromBytes = (line: string): unknown => {
      const buffer = bytes(line);
      return new RecordedDataParser().parseBytes(buffer, 1, buffer.length - 1, 0);
    };
    const read = [
      '{"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["100.1","1"],["100","0.50"]],"asks":[["100.2","3"]]}',
      '{"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","action":"update","bids":[],"asks":[["0.05","12345678901234"]]}',
      '{"type":"trade","ts":3,"instrumentId":"okx:BTC-USDT-SWAP","tradeId":"t","side":"SELL","price":"100.4","quantity":"0.5"}',
    ];
    for (const line of read) expect(fromBytes(line)).toEqual(new RecordedDataParser().parseLine(line, 0));
    const declined = [
      '{"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["1e2","1"]],"asks":[]}',
      '{"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["0100","1"]],"asks":[]}',
      '{"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["1.","1"]],"asks":[]}',
      '{"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["123456789012345","1"]],"asks":[]}',
      '{"type":"book","ts":1,"instrumentId":"okx:ÉTH","bids":[],"asks":[]}',
      ' {"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","bids":[],"asks":[]}',
      '{"type":"trade","ts":3,"instrumentId":"okx:BTC-USDT-SWAP","tradeId":"t","side":"buy","price":"100.4","quantity":"0.5"}',
      '{"type":"trade","ts":3,"instrumentId":"okx:BTC-USDT-SWAP","tradeId":"t","side":"BUY","price":"100.4","quantity":"0.5","x":1}',
      '{"type":"funding","ts":4,"instrumentId":"okx:BTC-USDT-SWAP","fundingRate":"0.0001","nextFundingTime":28800000}',
    ];
    for (const line of declined) expect(fromBytes(line)).toBeUndefined();
  });

  it('keeps one book whichever path reads its lines: texts that differ are different levels, sorted by value', () => {
    // Lines the byte reader takes and lines it leaves to the string path (spaces, non-canonical numbers), on one
    // book: unsorted and zero-size snapshot levels, "100" beside "100.0", updates after a sorted snapshot.
    const lines = [
      JSON.stringify(BTC_SWAP),
      '{"type":"book","ts":1,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["100.1","1"],["100.3","2"]],"asks":[["100.5","3"]]}',
      '{"type":"book","ts":2,"instrumentId":"okx:BTC-USDT-SWAP","action":"update","bids":[["100.3","0"],["100.2","4"],["100.20","5"]],"asks":[["100.4","1"]]}',
      ' {"type":"book","ts":3,"instrumentId":"okx:BTC-USDT-SWAP","action":"update","bids":[["100.2","7"]],"asks":[]}',
      '{"type":"book","ts":4,"instrumentId":"okx:BTC-USDT-SWAP","action":"update","bids":[["100.20","0"],["1e2","1"]],"asks":[["100.4","0.0"]]}',
      '{"type":"book","ts":5,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["100","1"],["100.0","2"],["99","0"]],"asks":[["101","1"],["100.9","2"]]}',
      '{"type":"book","ts":6,"instrumentId":"okx:BTC-USDT-SWAP","action":"update","bids":[["100.0","0"]],"asks":[["101","0"]]}',
      '{"type":"book","ts":7,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["99.9","1"],["99.8","1"]],"asks":[["100.1","1"],["100.2","1.50"]]}',
      '{"type":"book","ts":8,"instrumentId":"okx:BTC-USDT-SWAP","action":"update","bids":[["99.85","3"]],"asks":[["100.15","2"],["100.1","0"]]}',
      '{"type":"book","ts":9,"instrumentId":"okx:BTC-USDT-SWAP","bids":[["100","1"],["100","2"]],"asks":[]}',
      '{"type":"book","ts":10,"instrumentId":"okx:BTC-USDT-SWAP","action":"update","bids":[["100","5"],["99","1"]],"asks":[]}',
      '{"type":"trade","ts":11,"instrumentId":"okx:BTC-USDT-SWAP","tradeId":"t","side":"BUY","price":"100.4","quantity":"0.5"}',
      '{"type":"trade","ts":11,"instrumentId":"okx:BTC-USDT-SWAP","tradeId":"u","side":"SELL","price":"1.5e2","quantity":"2"}',
    ];
    const text = `${lines.join('\n')}\n`;
    const whole = parseRecordedData(text);
    for (const chunk of [5, 1 << 20]) expect(streamed(write(text), chunk).events).toEqual(whole.events);
    const book = (index: number): string[][] => {
      const event = whole.events[index];
      if (event?.type !== 'book') throw new Error('not a book');
      return [...event.book.bids, ...event.book.asks].map(([price, size]) => [price.toFixed(), size.toFixed()]);
    };
    expect(book(1)).toEqual([['100.2', '4'], ['100.2', '5'], ['100.1', '1'], ['100.4', '1'], ['100.5', '3']]);
    expect(book(3)).toEqual([['100.2', '7'], ['100.1', '1'], ['100', '1'], ['100.5', '3']]);
    expect(book(4)).toEqual([['100', '1'], ['100', '2'], ['100.9', '2'], ['101', '1']]);
    expect(book(5)).toEqual([['100', '1'], ['100.9', '2']]);
    expect(book(7)).toEqual([['99.9', '1'], ['99.85', '3'], ['99.8', '1'], ['100.15', '2'], ['100.2', '1.5']]);
    expect(book(8)).toEqual([['100', '2']]);
  });

  it('names the line and field of a bad line, wherever it is', () => {
    const good = toJsonl(updates);
    expect(() => streamed(write(`${good}{"type":"book","ts":5,"instrumentId":"${ID}","bids":[["100","x"]],"asks":[]}\n`), 16)).toThrow(
      /recorded data line 7: bids size "x" is not a decimal/,
    );
    expect(() => streamed(write(`${good}{"type":"book","ts":5,"instrumentId":"${ID}","bids":[],"asks":[["1e","1"]]}\n`))).toThrow(
      /recorded data line 7: asks price "1e" is not a decimal/,
    );
    expect(() => parseRecordedData(`${good}{"type":"book","ts":5,"instrumentId":"${ID}","bids":[["100","x"]],"asks":[]}\n`)).toThrow(/line 7: bids size/);
    const lines = good.split('\n');
    lines.splice(3, 0, '{"type":"book",');
    expect(() => streamed(write(lines.join('\n')))).toThrow(/recorded data line 4: not JSON/);
    expect(() => streamed(write(`${good}{"type":"trade","ts":1}\n`))).toThrow(/recorded data line 7: timestamps/);
    expect(() => streamed(write(`${good}${JSON.stringify(BTC_SWAP)}\n`))).toThrow(/line 7: instrument lines must come before the events/);
  });

  it('runs the same backtest from the file as from memory', async () => {
    const text = toJsonl(marketMakingData(5, 300));
    const options = (events: BacktestOptions['events'], instruments: BacktestOptions['instruments']): BacktestOptions => ({
      strategy: marketMaking as unknown as AnyStrategy,
      config: { spread: 0.03, orderSize: 10 },
      exchangeConfig: { marketId: '0xbtc100k', tokenId: '7132104500001' },
      riskLimits: { maxDailyLoss: '100000', maxDrawdown: 100, maxPositionSize: '100000' },
      initialBalances: { USDC: '1000' },
      instruments,
      events,
    });
    const whole = parseRecordedData(text);
    const file = openRecordedFile(write(text), 100);
    if (file.stream === null) throw new Error('no events');
    const progress: number[] = [];
    const fromFile = await runBacktest({ ...options(file.stream, file.instruments), onProgress: (done, total) => progress.push(done / total) });
    const inMemory = await runBacktest(options(whole.events, whole.instruments));
    expect(serializeReport(buildReport(fromFile))).toBe(serializeReport(buildReport(inMemory)));
    expect(progress.at(-1)).toBe(1);
  });
});
