// Types of bench-results.mjs for the TypeScript benches and tests.
export interface BenchFigure {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  /** true for throughputs (higher is better), false for latencies, sizes, memory. */
  higherIsBetter: boolean;
}
export interface Baseline {
  format: 'bench-baseline/1';
  threshold?: number;
  figures: Record<string, Record<string, Omit<BenchFigure, 'name'>>>;
}
export interface ComparisonRow {
  workspace: string;
  name: string;
  unit: string;
  current: BenchFigure | null;
  baseline: Omit<BenchFigure, 'name'> | null;
  ratio: number | null;
  status: 'ok' | 'warn' | 'new' | 'n/a' | 'missing';
}
export const REPO_ROOT: string;
export const RESULTS_DIR: string;
export const BASELINE_FILE: string;
export const DEFAULT_THRESHOLD: number;
export function summarize(values: readonly number[]): { median: number; min: number; max: number };
export function figureError(figure: unknown): string | null;
export function recordBenchFigures(workspace: string, figures: readonly BenchFigure[], dir?: string): string;
export function loadResults(dir?: string): Record<string, BenchFigure[]>;
export function loadBaseline(file?: string): Baseline;
export function compareToBaseline(results: Record<string, BenchFigure[]>, baseline: Baseline, threshold?: number): ComparisonRow[];
export function formatComparison(rows: readonly ComparisonRow[], threshold?: number): string;
export function updatedBaseline(results: Record<string, BenchFigure[]>, baseline: Baseline): Baseline;
