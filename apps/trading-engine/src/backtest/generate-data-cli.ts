/** `npm run backtest:data`: regenerates the committed recorded data sets (seeded, deterministic). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_SETS } from './synthetic-data.js';
import { toJsonl } from './recorded-data.js';
import { DATA_DIR } from './committed.js';

mkdirSync(DATA_DIR, { recursive: true });
for (const [file, generate] of Object.entries(DATA_SETS)) {
  const lines = generate();
  writeFileSync(join(DATA_DIR, file), toJsonl(lines));
  process.stdout.write(`${file}: ${String(lines.length)} lines\n`);
}
