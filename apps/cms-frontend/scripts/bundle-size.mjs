// First-load JS per route of the production build (run after `next build`): the root main chunks plus every
// chunk the route's client-reference manifest names, each gzipped (level 9) and summed. Prints a table and the
// largest route; exits 1 if it is above the 300 kB budget.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { recordBenchFigures } from '../../../scripts/lib/bench-results.mjs';

const NEXT = join(import.meta.dirname, '..', '.next');
const BUDGET_KB = 300;
const build = JSON.parse(readFileSync(join(NEXT, 'build-manifest.json'), 'utf8'));
const root = build.rootMainFiles.map((f) => join(NEXT, f));
const gz = new Map();
const size = (file) => {
  if (!gz.has(file)) gz.set(file, existsSync(file) ? gzipSync(readFileSync(file), { level: 9 }).length : 0);
  return gz.get(file);
};
function* manifests(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* manifests(p);
    else if (name === 'page_client-reference-manifest.js') yield p;
  }
}
const rows = [];
for (const m of manifests(join(NEXT, 'server', 'app'))) {
  const text = readFileSync(m, 'utf8');
  const chunks = new Set(root);
  for (const match of text.matchAll(/"\/_next\/(static\/chunks\/[^"]+\.js)"/g)) chunks.add(join(NEXT, match[1]));
  const total = [...chunks].reduce((sum, f) => sum + size(f), 0);
  const route = '/' + relative(join(NEXT, 'server', 'app'), m).replace(/\/?page_client-reference-manifest\.js$/, '').replace(/\([^)]+\)\/?/g, '');
  rows.push({ route, kb: total / 1024, chunks: chunks.size });
}
rows.sort((a, b) => b.kb - a.kb);
for (const r of rows) console.log(`${r.route.padEnd(24)} ${r.kb.toFixed(1).padStart(7)} kB gz  (${r.chunks} chunks)`);
const top = rows[0];
console.log(`largest first-load JS: ${top.route} ${top.kb.toFixed(1)} kB gzipped (budget ${BUDGET_KB} kB)`);
// A size is deterministic: median = min = max. Compared with the committed baseline by scripts/bench-compare.mjs.
recordBenchFigures('cms-frontend', [{ name: 'largest first-load JS (gzipped)', unit: 'kB', median: top.kb, min: top.kb, max: top.kb, higherIsBetter: false }]);
if (top.kb > BUDGET_KB) process.exit(1);
