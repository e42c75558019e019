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
