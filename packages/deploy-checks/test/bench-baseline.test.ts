// The benchmark regression check (scripts/lib/bench-results.mjs, run by scripts/bench-compare.mjs at the end of
// `npm run bench`): figures recorded per workspace, compared with the baseline as oriented ratios, WARN below the
// threshold, baseline update, and the CLI never failing on a timing regression.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  compareToBaseline,
  figureError,
  formatComparison,
  loadResults,
  recordBenchFigures,
  summarize,
  updatedBaseline,
  type Baseline,
  type BenchFigure,
} from '../../../scripts/lib/bench-results.mjs';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const throughput = (median: number): BenchFigure => ({ name: 'events/s', unit: 'events/s', median, min: median * 0.9, max: median * 1.1, higherIsBetter: true });
const latency = (median: number): BenchFigure => ({ name: 'p99', unit: 'µs', median, min: median, max: median, higherIsBetter: false });
const baseline: Baseline = {
  format: 'bench-baseline/1',
  threshold: 0.8,
  figures: { engine: { 'events/s': { unit: 'events/s', median: 1000, min: 900, max: 1100, higherIsBetter: true }, p99: { unit: 'µs', median: 50, min: 50, max: 50, higherIsBetter: false } } },
};

describe('summarize', () => {
  it('gives median, min and max; the median of an even count is the mean of the middle two', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => summarize([])).toThrow(/no finite value/);
  });
});

describe('compareToBaseline', () => {
  it('orients the ratio so that > 1 is better and warns below the threshold', () => {
    const rows = compareToBaseline({ engine: [throughput(700), latency(40)] }, baseline, 0.8);
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
    expect(byName['events/s']?.ratio).toBeCloseTo(0.7, 10); // 700 / 1000: slower
    expect(byName['events/s']?.status).toBe('warn');
    expect(byName.p99?.ratio).toBeCloseTo(1.25, 10); // 50 / 40: lower latency is better
    expect(byName.p99?.status).toBe('ok');
  });

  it('warns on a latency that grew past the threshold, not on one within it', () => {
    expect(compareToBaseline({ engine: [latency(70)] }, baseline, 0.8).find((r) => r.name === 'p99')?.status).toBe('warn'); // 50/70 = 0.71
    expect(compareToBaseline({ engine: [latency(60)] }, baseline, 0.8).find((r) => r.name === 'p99')?.status).toBe('ok'); // 50/60 = 0.83
  });

  it('marks figures without a baseline as new, and baseline figures that did not run as missing', () => {
    const rows = compareToBaseline({ engine: [{ ...throughput(1), name: 'brand new' }] }, baseline);
    expect(rows.map((row) => [row.name, row.status])).toEqual([
      ['brand new', 'new'],
      ['events/s', 'missing'],
      ['p99', 'missing'],
    ]);
    // A workspace whose benches did not run at all (filtered run) is not reported as missing.
    expect(compareToBaseline({ other: [throughput(5)] }, baseline).every((row) => row.status === 'new')).toBe(true);
  });

  it('gives no ratio when a median is zero', () => {
    expect(compareToBaseline({ engine: [throughput(0)] }, baseline).find((r) => r.name === 'events/s')).toMatchObject({ ratio: null, status: 'n/a' });
  });
});

describe('formatComparison', () => {
  it('prints one line per figure and a WARN line per regression', () => {
    const text = formatComparison(compareToBaseline({ engine: [throughput(700), latency(40)] }, baseline, 0.8), 0.8);
    expect(text).toContain('engine › events/s: 700.0 [630.0–770.0] events/s (baseline 1000) 0.70×');
    const warns = text.split('\n').filter((line) => line.startsWith('WARN'));
    expect(warns).toEqual(['WARN engine › events/s: 0.70× of baseline (< 0.8×; lower is worse): 700.0 vs 1000 events/s']);
  });
});

describe('recording and updating', () => {
  it('merges figures per workspace by name across calls (benches in separate processes)', () => {
    const dir = tempDir();
    recordBenchFigures('@trading/engine', [throughput(10)], dir);
    recordBenchFigures('@trading/engine', [latency(5), throughput(20)], dir);
    const results = loadResults(dir);
    expect(Object.keys(results)).toEqual(['@trading/engine']);
    expect(results['@trading/engine']?.map((f) => [f.name, f.median])).toEqual([
      ['events/s', 20],
      ['p99', 5],
    ]);
    expect(readFileSync(join(dir, 'engine.json'), 'utf8')).toContain('"higherIsBetter": true');
  });

  it('rejects a malformed figure, naming the field', () => {
    expect(figureError({ ...throughput(1), median: Number.NaN })).toBe('figure.median of "events/s": expected a finite number');
    expect(() => recordBenchFigures('x', [{ ...latency(1), higherIsBetter: 'no' as unknown as boolean }], tempDir())).toThrow(/higherIsBetter/);
  });

  it('--update-baseline replaces the figures that ran and keeps the others', () => {
    const next = updatedBaseline({ engine: [throughput(1200)] }, baseline);
    expect(next.figures.engine?.['events/s']?.median).toBe(1200);
    expect(next.figures.engine?.p99?.median).toBe(50);
    expect(baseline.figures.engine?.['events/s']?.median).toBe(1000); // the input is not mutated
  });
});

describe('bench-compare CLI', () => {
  const script = join(import.meta.dirname, '..', '..', '..', 'scripts', 'bench-compare.mjs');
  const cli = (dir: string, args: string[]) =>
    spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...process.env, BENCH_RESULTS_DIR: join(dir, 'results'), BENCH_BASELINE_FILE: join(dir, 'baseline.json') } });

  it('prints ratios and WARN lines but exits 0 on a regression; --update-baseline writes the new figures', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'baseline.json'), JSON.stringify(baseline));
    recordBenchFigures('engine', [throughput(500), latency(50)], join(dir, 'results'));
    const result = cli(dir, []);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('WARN engine › events/s: 0.50× of baseline');
    expect(result.stdout).toContain('2 figures, 1 warning(s)');
    expect(JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'))).toEqual(baseline); // unchanged without the flag

    const updated = cli(dir, ['--update-baseline']);
    expect(updated.status).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')) as Baseline;
    expect(written.figures.engine?.['events/s']?.median).toBe(500);
  });

  it('exits 1 on a bad --threshold, naming the option', () => {
    const result = cli(tempDir(), ['--threshold', 'abc']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--threshold: expected a number in (0, 1], got "abc"');
  });
});
