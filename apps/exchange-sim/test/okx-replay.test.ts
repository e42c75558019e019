import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordBooksStream, startSimulator } from '../src/index.js';

describe('OKX record / replay', () => {
  it('replaying a recorded books stream rebuilds exactly the recorded book in the real (tradeable) book', async () => {
    const lines = recordBooksStream({ seed: 3, instId: 'ETH-USDT-SWAP', messages: 60, generator: { depth: 30 } });
    const file = join(mkdtempSync(join(tmpdir(), 'okx-replay-')), 'eth.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    // Rebuild the expected final book from the recorded messages themselves.
    const bids = new Map<string, string>();
    const asks = new Map<string, string>();
    for (const line of lines) {
      const msg = JSON.parse(line) as { data: { bids: string[][]; asks: string[][] }[] };
      const data = msg.data[0];
      if (!data) continue;
      for (const [p, s] of data.bids) if (s === '0') bids.delete(p as string); else bids.set(p as string, s as string);
      for (const [p, s] of data.asks) if (s === '0') asks.delete(p as string); else asks.set(p as string, s as string);
    }
    const sim = await startSimulator({ seed: 9, polymarket: false, okx: { paused: true, replay: { file, loop: false }, tickMs: 1000 } });
    try {
      sim.okx.step(lines.length - 1);
      const book = sim.okx.book('ETH-USDT-SWAP', 400);
      expect(book.bids).toEqual([...bids].sort((a, b) => Number(b[0]) - Number(a[0])));
      expect(book.asks).toEqual([...asks].sort((a, b) => Number(a[0]) - Number(b[0])));
    } finally {
      await sim.close();
    }
  });
});
