/** Statistics helpers for the OKX book benchmark: percentiles and run-to-run spread. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? NaN, min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN };
}

export function fmt(s: Spread, digits = 0): string {
  return `${s.median.toFixed(digits)} (runs ${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}
