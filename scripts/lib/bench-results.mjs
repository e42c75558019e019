// Machine-readable benchmark figures and the regression check against the committed baseline (issue #10.3).
// Each benchmark records its figures (name, unit, median, min, max, higher-is-better) into
// bench-results/<workspace>.json at the repository root (git-ignored); `npm run bench` ends with
// scripts/bench-compare.mjs, which compares them with docs/benchmarks-baseline.json as ratios and prints WARN lines
// for regressions. Timing never fails a run: the machine's noise is not a code regression.
// Node built-ins only (called from .mjs scripts and from TypeScript benches via bench-results.d.mts).

import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = join(REPO_ROOT, 'bench-results');
export const BASELINE_FILE = join(REPO_ROOT, 'docs', 'benchmarks-baseline.json');
/** A figure worse than this fraction of its baseline (after orienting by higher-is-better) gets a WARN line. */
export const DEFAULT_THRESHOLD = 0.8;

/** { median, min, max } of a non-empty list of numbers (median of an even count = mean of the middle two). */
export function summarize(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('summarize: no finite value');
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Checks one figure's shape; returns an error message naming the field, or null. */
export function figureError(figure) {
  if (typeof figure !== 'object' || figure === null) return 'figure: expected an object';
  if (typeof figure.name !== 'string' || figure.name === '') return 'figure.name: expected a non-empty string';
  if (typeof figure.unit !== 'string') return `figure.unit of "${figure.name}": expected a string`;
  for (const key of ['median', 'min', 'max']) {
    if (typeof figure[key] !== 'number' || !Number.isFinite(figure[key])) return `figure.${key} of "${figure.name}": expected a finite number`;
  }
  if (typeof figure.higherIsBetter !== 'boolean') return `figure.higherIsBetter of "${figure.name}": expected a boolean`;
  return null;
}

function workspaceFile(dir, workspace) {
  return join(dir, `${workspace.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/**
 * Merges figures into <dir>/<workspace>.json (one file per workspace; a figure with the same name replaces the
 * older one, so benches running in separate processes add up). Returns the file path.
 */
export function recordBenchFigures(workspace, figures, dir = RESULTS_DIR) {
  for (const figure of figures) {
    const error = figureError(figure);
    if (error) throw new Error(error);
  }
  mkdirSync(dir, { recursive: true });
  const file = workspaceFile(dir, workspace);
  const existing = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { workspace, figures: [] };
  const byName = new Map(existing.figures.map((figure) => [figure.name, figure]));
  for (const figure of figures) {
    const { name, unit, median, min, max, higherIsBetter } = figure;
    byName.set(name, { name, unit, median, min, max, higherIsBetter });
  }
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ workspace, figures: [...byName.values()] }, null, 2)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Every results file in `dir`: { [workspace]: figure[] }. */
export function loadResults(dir = RESULTS_DIR) {
  const results = {};
  if (!existsSync(dir)) return results;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const parsed = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    results[parsed.workspace] = parsed.figures;
  }
  return results;
}

/** The committed baseline: { format, threshold, figures: { [workspace]: { [name]: figure } } }. */
export function loadBaseline(file = BASELINE_FILE) {
  if (!existsSync(file)) return { format: 'bench-baseline/1', threshold: DEFAULT_THRESHOLD, figures: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (parsed.format !== 'bench-baseline/1') throw new Error(`${file}: format must be "bench-baseline/1"`);
  return parsed;
}

/**
 * One row per current figure. ratio = how the figure compares with its baseline, oriented so that > 1 is better:
 * current/baseline when higher is better, baseline/current when lower is better. status: 'ok', 'warn' (ratio below
 * threshold), 'new' (no baseline), 'n/a' (a zero makes the ratio meaningless). Baseline figures with no current
 * figure are reported as 'missing'.
 */
export function compareToBaseline(results, baseline, threshold = DEFAULT_THRESHOLD) {
  const rows = [];
  for (const [workspace, figures] of Object.entries(results)) {
    const base = baseline.figures[workspace] ?? {};
    for (const figure of figures) {
      const reference = base[figure.name];
      if (!reference) {
        rows.push({ workspace, name: figure.name, unit: figure.unit, current: figure, baseline: null, ratio: null, status: 'new' });
        continue;
      }
      const numerator = figure.higherIsBetter ? figure.median : reference.median;
      const denominator = figure.higherIsBetter ? reference.median : figure.median;
      const ratio = denominator === 0 || numerator === 0 ? null : numerator / denominator;
      const status = ratio === null ? 'n/a' : ratio < threshold ? 'warn' : 'ok';
      rows.push({ workspace, name: figure.name, unit: figure.unit, current: figure, baseline: reference, ratio, status });
    }
  }
  for (const [workspace, figures] of Object.entries(baseline.figures)) {
    if (!(workspace in results)) continue; // that workspace's benches did not run (filtered run)
    const names = new Set(results[workspace].map((figure) => figure.name));
    for (const [name, reference] of Object.entries(figures)) {
      if (!names.has(name)) rows.push({ workspace, name, unit: reference.unit, current: null, baseline: reference, ratio: null, status: 'missing' });
    }
  }
  return rows;
}

function number(value) {
  if (value === null || value === undefined) return '–';
  const abs = Math.abs(value);
  return abs >= 1000 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(3);
}

/** Human-readable lines: one per figure, then WARN lines for regressions. */
export function formatComparison(rows, threshold = DEFAULT_THRESHOLD) {
  const lines = [];
  for (const row of rows) {
    const now = row.current ? `${number(row.current.median)} [${number(row.current.min)}–${number(row.current.max)}]` : '–';
    const base = row.baseline ? number(row.baseline.median) : '–';
    const ratio = row.ratio === null ? '' : ` ${row.ratio.toFixed(2)}×`;
    lines.push(`  ${row.status.padEnd(7)} ${row.workspace} › ${row.name}: ${now} ${row.unit} (baseline ${base})${ratio}`);
  }
  for (const row of rows.filter((r) => r.status === 'warn')) {
    const direction = row.current.higherIsBetter ? 'lower' : 'higher';
    lines.push(`WARN ${row.workspace} › ${row.name}: ${row.ratio.toFixed(2)}× of baseline (< ${threshold}×; ${direction} is worse): ${number(row.current.median)} vs ${number(row.baseline.median)} ${row.unit}`);
  }
  return lines.join('\n');
}

/** The baseline with every current figure replacing (or adding) its entry; other entries are kept. */
export function updatedBaseline(results, baseline) {
  const figures = structuredClone(baseline.figures);
  for (const [workspace, list] of Object.entries(results)) {
    figures[workspace] = figures[workspace] ?? {};
    for (const { name, unit, median, min, max, higherIsBetter } of list) figures[workspace][name] = { unit, median, min, max, higherIsBetter };
  }
  return { format: 'bench-baseline/1', threshold: baseline.threshold ?? DEFAULT_THRESHOLD, figures };
}
