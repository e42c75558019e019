/**
 * Records this workspace's benchmark figures into bench-results/trading-engine.json (scripts/lib/bench-results.mjs),
 * which `npm run bench` compares with the committed baseline (docs/benchmarks-baseline.json). `values` are the
 * per-run figures; the file keeps their median, min and max.
 */
import { recordBenchFigures, summarize } from '../../../scripts/lib/bench-results.mjs';

export function recordFigure(name: string, unit: string, values: readonly number[], higherIsBetter: boolean): void {
  recordBenchFigures('trading-engine', [{ name, unit, ...summarize(values), higherIsBetter }]);
}
