/**
 * The committed data sets and reports are reproducible: the seeded generator rebuilds every data file byte for byte,
 * and rerunning each committed backtest rebuilds docs/backtests/<strategy>.{json,html} byte for byte.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMITTED_BACKTESTS, DATA_DIR, REPORTS_DIR } from './committed.js';
import { DATA_SETS } from './synthetic-data.js';
import { toJsonl } from './recorded-data.js';
import { runFileBacktest } from './backtest-files.js';
import { defaultStrategies } from '../strategies/index.js';

describe('committed backtests', () => {
  it('covers the six built-in trading strategies, all registered', () => {
    const names = COMMITTED_BACKTESTS.map((run) => run.strategy).sort();
    expect(names).toEqual(['arbitrage', 'dca', 'funding-rate-arb', 'grid', 'market-making', 'signal-based']);
    for (const name of names) expect(defaultStrategies().get(name)?.name).toBe(name);
  });

  it.each(Object.keys(DATA_SETS))('data/%s is what the seeded generator produces', (file) => {
    const generate = DATA_SETS[file];
    expect(generate).toBeDefined();
    if (!generate) return;
    expect(readFileSync(join(DATA_DIR, file), 'utf8')).toBe(toJsonl(generate()));
  });

  it.each(COMMITTED_BACKTESTS.map((run) => [run.strategy, run] as const))('docs/backtests/%s.{json,html} are reproducible', async (_name, run) => {
    const rendered = await runFileBacktest({ strategy: run.strategy, dataPath: join(DATA_DIR, run.data), spec: join(DATA_DIR, run.spec) });
    expect(rendered.json).toBe(readFileSync(join(REPORTS_DIR, `${run.strategy}.json`), 'utf8'));
    expect(rendered.html).toBe(readFileSync(join(REPORTS_DIR, `${run.strategy}.html`), 'utf8'));
  });
});
