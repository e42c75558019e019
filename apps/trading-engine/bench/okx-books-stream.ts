/**
 * One recorded OKX `books` stream (the simulator's seeded generator: a 400-level snapshot, then updates), written
 * to a JSONL file in the OS temp dir on first use and read back as lines. The OKX book benchmark times it; the
 * backtest benchmark times `JSON.parse` alone of it as the machine's reference speed.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordBooksStream } from '@trading/exchange-sim';

export function loadOkxBooksStream(seed: number, messages: number): string[] {
  const file = join(tmpdir(), `okx-books-seed${String(seed)}-${String(messages)}.jsonl`);
  if (!existsSync(file)) {
    const t = Date.now();
    writeFileSync(file, `${recordBooksStream({ seed, instId: 'BTC-USDT-SWAP', messages }).join('\n')}\n`);
    console.log(`recorded ${String(messages)} OKX books messages to ${file} in ${String(Date.now() - t)} ms`);
  }
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
}
