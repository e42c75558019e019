/**
 * `npm run soak -- --minutes N`: the whole platform under seeded faults, then a reconciliation of the simulator's,
 * the engines' and PostgreSQL's ledgers. Prints the seed, the schedule and a result table; exits 1 when an invariant
 * fails (2 on a setup error). See docs/reliability.md.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.js';
import { runSoak } from './soak.js';

// SOAK_ROOT runs the platform from another checkout (e.g. a patched copy) with this soak.
const root = process.env.SOAK_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const say = (line: string) => {
  process.stdout.write(`[soak] ${line}\n`);
};

let args;
try {
  args = parseArgs(process.argv.slice(2), Date.now() % 1_000_000);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const logDir = args.logDir ?? join(tmpdir(), `soak-${args.seed}-${Date.now().toString(36)}`);
try {
  const result = await runSoak({ ...args, root, logDir, say });
  if (args.json !== null) writeFileSync(args.json, JSON.stringify(result, null, 2));
  process.stdout.write(`\n${result.report}\n\n`);
  say(result.failed ? 'FAILED: an invariant does not hold (details above)' : 'all invariants hold');
  process.exit(result.failed ? 1 : 0);
} catch (error) {
  say(`soak could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)} (logs in ${logDir})`);
  process.exit(2);
}
