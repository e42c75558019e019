/**
 * Which Prometheus metrics an app exports, found statically in apps/<app>/src: every object literal with a
 * `name` and a `help` key (prom-client's Counter/Gauge/Histogram/Summary options, whether passed to `new
 * Counter(...)` directly or through a helper), and the prom-client default metrics when the app calls
 * `collectDefaultMetrics` (with its `prefix`, if any).
 */
import { appSourceFiles, readText, rel } from './repo.js';
import { enclosingBrace, lineOf, maskCommentsAndStrings, matchBracket, topLevelKeys } from './source-text.js';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';

export interface MetricDef {
  name: string;
  type: MetricType;
  where: string;
}

export interface AppMetrics {
  app: string;
  metrics: MetricDef[];
  /** Prefix of the default metrics, or undefined when the app does not call collectDefaultMetrics. */
  defaultMetricsPrefix: string | undefined;
  /** Registrations whose name is not a literal (reported as hints when a metric is missing). */
  unresolved: string[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Resolves a `name:` value: 'literal', "literal", `literal`, `${CONST}suffix`, or CONST + 'suffix'. */
function resolveName(expr: string, constants: Map<string, string>): string | undefined {
  const pieces = expr.split('+').map((p) => p.trim());
  let out = '';
  for (const piece of pieces) {
    const literal = /^(['"])([^'"]*)\1$/.exec(piece);
    const template = /^`([^`]*)`$/.exec(piece);
    if (literal) out += literal[2] ?? '';
    else if (template) {
      const body = template[1] ?? '';
      const ids = [...body.matchAll(/\$\{\s*([A-Za-z_$][\w$]*)\s*\}/g)].map((m) => m[1] ?? '');
      if (ids.some((id) => !constants.has(id))) return undefined;
      out += body.replace(/\$\{\s*([A-Za-z_$][\w$]*)\s*\}/g, (_w, id: string) => constants.get(id) ?? '');
    } else if (constants.has(piece)) out += constants.get(piece) ?? '';
    else return undefined;
  }
  return METRIC_NAME.test(out) ? out : undefined;
}

export function metricsInText(text: string): { defs: { name: string; type: MetricType; index: number }[]; unresolved: number[]; defaultPrefix: string | undefined; callsDefault: boolean } {
  const masked = maskCommentsAndStrings(text);
  const constants = new Map<string, string>();
  for (const m of text.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*(['"`])([^'"`$]*)\2/g)) {
    constants.set(m[1] ?? '', m[3] ?? '');
  }
  const defs: { name: string; type: MetricType; index: number }[] = [];
  const unresolved: number[] = [];
  const seenObjects = new Set<number>();
  for (const m of masked.matchAll(/\bhelp\s*:/g)) {
    const open = enclosingBrace(masked, m.index);
    if (open === -1 || seenObjects.has(open)) continue;
    seenObjects.add(open);
    const close = matchBracket(masked, open);
    if (close === -1) continue;
    const keys = topLevelKeys(text, masked, open, close);
    if (!keys.some((k) => k.key === 'help' && k.index === m.index)) continue;
    const nameKey = keys.find((k) => k.key === 'name');
    if (!nameKey) continue;
    const valueStart = text.indexOf(':', nameKey.index) + 1;
    let valueEnd = valueStart;
    let depth = 0;
    for (; valueEnd < close; valueEnd++) {
      const c = masked[valueEnd] ?? '';
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth--;
      else if (c === ',' && depth === 0) break;
    }
    const name = resolveName(text.slice(valueStart, valueEnd).trim(), constants);
    const before = masked.slice(Math.max(0, open - 80), open);
    const ctor = /\bnew\s+(?:[\w$]+\.)?(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\s*\(\s*$/.exec(before);
    const type: MetricType = ctor ? (ctor[1]?.toLowerCase() as MetricType) : 'unknown';
    if (name) defs.push({ name, type, index: open });
    else unresolved.push(open);
  }
  let callsDefault = false;
  let defaultPrefix: string | undefined;
  for (const m of masked.matchAll(/\bcollectDefaultMetrics\s*\(/g)) {
    callsDefault = true;
    const open = m.index + m[0].length - 1;
    const close = matchBracket(masked, open);
    const args = close === -1 ? '' : text.slice(open, close);
    const prefix = /\bprefix\s*:\s*(['"`])([a-zA-Z0-9_:]*)\1/.exec(args);
    if (prefix) defaultPrefix = prefix[2];
  }
  return { defs, unresolved, defaultPrefix, callsDefault };
}

export function metricsOfApp(app: string): AppMetrics & { callsDefaultMetrics: boolean } {
  const metrics: MetricDef[] = [];
  const unresolved: string[] = [];
  let callsDefaultMetrics = false;
  let defaultMetricsPrefix: string | undefined;
  for (const file of appSourceFiles(app)) {
    const text = readText(file);
    if (!/\bhelp\s*:|collectDefaultMetrics/.test(text)) continue;
    const found = metricsInText(text);
    for (const d of found.defs) metrics.push({ name: d.name, type: d.type, where: `${rel(file)}:${lineOf(text, d.index)}` });
    for (const u of found.unresolved) unresolved.push(`${rel(file)}:${lineOf(text, u)}`);
    if (found.callsDefault) {
      callsDefaultMetrics = true;
      defaultMetricsPrefix = found.defaultPrefix ?? defaultMetricsPrefix ?? '';
    }
  }
  return { app, metrics, defaultMetricsPrefix, unresolved, callsDefaultMetrics };
}

/** Series names a metric family produces (histograms and summaries add _bucket/_sum/_count). */
export function seriesNames(def: { name: string; type: MetricType }): string[] {
  switch (def.type) {
    case 'histogram':
      return [def.name, `${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`];
    case 'summary':
      return [def.name, `${def.name}_sum`, `${def.name}_count`];
    case 'unknown':
      return [def.name, `${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`];
    case 'counter':
    case 'gauge':
      return [def.name];
  }
}
