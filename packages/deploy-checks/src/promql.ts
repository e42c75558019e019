/**
 * Metric names referenced by a PromQL expression (Prometheus rules, Grafana panel targets), and the jobs it
 * selects. A lexical scan, not a full parser: strings, label matchers, range selectors, grouping clauses,
 * function names, keywords and numbers are removed; what is left is metric names.
 */
const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
  'atan2', 'inf', 'nan', 'start', 'end',
]);

export function metricNamesInPromql(expr: string): string[] {
  let text = expr;
  // Grafana's label_values(metric, label) / label_values(label): only the metric counts.
  text = text.replace(/\blabel_values\s*\(\s*([^,()]*?(?:\{[^}]*\})?)\s*(?:,\s*[A-Za-z_]\w*\s*)?\)/g, ' $1 ');
  text = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  text = text.replace(/\{[^}]*\}/g, ' ');
  text = text.replace(/\[[^\]]*\]/g, ' ');
  text = text.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  text = text.replace(/\$\{?[A-Za-z_]\w*(?::\w+)?\}?/g, ' ');
  const names = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const after = text.slice(m.index + word.length);
    const prev = text[m.index - 1] ?? ' ';
    if (/^\s*\(/.test(after)) continue; // a function or aggregation
    if (/[0-9.]/.test(prev)) continue; // part of a number like 1.5e9
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}

/**
 * For each metric name in an expression, the `job` values its own selectors restrict it to (`x{job="a"}`,
 * `x{job=~"a|b"}`); an empty list means the name is used without a job restriction.
 */
export function metricJobsInPromql(expr: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const name of metricNamesInPromql(expr)) result.set(name, []);
  const selector = /([A-Za-z_:][A-Za-z0-9_:]*)\s*\{([^}]*)\}/g;
  for (const m of expr.matchAll(selector)) {
    const jobs = result.get(m[1] ?? '');
    if (!jobs) continue;
    for (const j of jobsInMatchers(m[2] ?? '')) if (!jobs.includes(j)) jobs.push(j);
  }
  return result;
}

function jobsInMatchers(matchers: string): string[] {
  const jobs: string[] = [];
  for (const m of matchers.matchAll(/\bjob\s*(=~|=)\s*"([^"]*)"/g)) {
    const value = m[2] ?? '';
    if (m[1] === '=') jobs.push(value);
    else if (/^[\w-]+(\|[\w-]+)*$/.test(value)) jobs.push(...value.split('|'));
  }
  return jobs;
}
