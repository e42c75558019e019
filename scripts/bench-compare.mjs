// The last step of `npm run bench`: compares bench-results/*.json (written by the benches of this run) with the
// committed baseline docs/benchmarks-baseline.json, one ratio per figure, WARN lines for regressions below the
// threshold. Always exits 0 on timing (a shared machine's noise must not fail CI); exits 1 only on unreadable input.
//   node scripts/bench-compare.mjs [--update-baseline] [--threshold 0.8]
// BENCH_RESULTS_DIR / BENCH_BASELINE_FILE override the two paths (tests).
import { writeFileSync } from 'node:fs';
import { BASELINE_FILE as DEFAULT_BASELINE_FILE, DEFAULT_THRESHOLD, RESULTS_DIR, compareToBaseline, formatComparison, loadBaseline, loadResults, updatedBaseline } from './lib/bench-results.mjs';

const BASELINE_FILE = process.env.BENCH_BASELINE_FILE ?? DEFAULT_BASELINE_FILE;
const args = process.argv.slice(2);
const update = args.includes('--update-baseline');
const at = args.indexOf('--threshold');
let threshold;
try {
  const baseline = loadBaseline(BASELINE_FILE);
  threshold = at >= 0 ? Number(args[at + 1]) : baseline.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isFinite(threshold) || threshold <= 0 || threshold > 1) throw new Error(`--threshold: expected a number in (0, 1], got "${args[at + 1]}"`);
  const results = loadResults(process.env.BENCH_RESULTS_DIR ?? RESULTS_DIR);
  const count = Object.values(results).reduce((n, list) => n + list.length, 0);
  if (count === 0) {
    process.stdout.write('bench compare: no figures in bench-results/ (did the benches run?)\n');
  } else {
    const rows = compareToBaseline(results, baseline, threshold);
    const warnings = rows.filter((row) => row.status === 'warn').length;
    process.stdout.write(`\nbenchmarks vs baseline (ratio > 1 = better; WARN below ${threshold}×):\n${formatComparison(rows, threshold)}\n`);
    process.stdout.write(`${String(rows.length)} figures, ${String(warnings)} warning(s) — timing never fails the run\n`);
    if (update) {
      writeFileSync(BASELINE_FILE, `${JSON.stringify(updatedBaseline(results, baseline), null, 2)}\n`);
      process.stdout.write(`baseline updated: ${BASELINE_FILE}\n`);
    }
  }
} catch (error) {
  process.stderr.write(`bench compare failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
