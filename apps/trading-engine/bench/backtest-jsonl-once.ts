/**
 * One backtest of backtest-jsonl.bench.ts from a recorded JSONL file in this fresh process: the figure a single
 * `npm run backtest` over that file sees, JIT warm-up included. Prints the timing as one JSON line.
 * `node --import tsx bench/backtest-jsonl-once.ts <file>`.
 */
import { openRecordedFile } from '../src/backtest/recorded-file.js';
import { timeBacktest } from './backtest-harness.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: backtest-jsonl-once.ts <recorded JSONL file>');
const opened = openRecordedFile(file);
if (opened.stream === null) throw new Error(`${file} holds no events`);
console.log(JSON.stringify(await timeBacktest(opened.stream)));
