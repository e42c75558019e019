/**
 * `npm run backtest -- --strategy market-making --data <recorded.jsonl> --config <spec.json | inline JSON>
 *   [--out <dir>] [--name <file base>] [--okx-books] [--instruments <recorded.jsonl with instrument lines>]
 *   [--from <time>] [--to <time>]`  (time: ISO 8601, e.g. 2026-01-05T00:10Z, or epoch ms)
 *
 * Replays the data through the strategy with the engine's risk rules and paper matcher on a simulated clock and
 * writes <out>/<name>.json and <out>/<name>.html (default: ./backtest-out/<strategy>.*). Relative paths resolve
 * against the directory npm was started from. A progress bar is drawn on stderr when it is a terminal.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseRecordedData } from './recorded-data.js';
import { progressBar } from './progress.js';
import { runFileBacktest } from './backtest-files.js';

/** `--from` / `--to`: epoch milliseconds, or an ISO 8601 time (a time without a zone is UTC). */
function parseTime(flag: string, text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error(`${flag}: expected ISO 8601 or epoch milliseconds, got "${text}"`);
  return ms;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      strategy: { type: 'string' },
      data: { type: 'string' },
      config: { type: 'string' },
      out: { type: 'string' },
      name: { type: 'string' },
      'okx-books': { type: 'boolean' },
      instruments: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
    },
  });
  const { strategy, data, config } = values;
  if (strategy === undefined || data === undefined || config === undefined) {
    process.stderr.write('usage: npm run backtest -- --strategy <name> --data <recorded.jsonl> --config <spec.json|json> [--out dir] [--name base] [--okx-books --instruments file] [--from time] [--to time]\n');
    process.exitCode = 2;
    return;
  }
  const base = process.env.INIT_CWD ?? process.cwd();
  const at = (path: string): string => resolve(base, path);
  const spec = config.trimStart().startsWith('{') ? config : at(config);
  const instruments = values.instruments === undefined ? undefined : parseRecordedData(readFileSync(at(values.instruments), 'utf8')).instruments;
  const from = values.from === undefined ? undefined : parseTime('--from', values.from);
  const to = values.to === undefined ? undefined : parseTime('--to', values.to);
  const progress = progressBar(`backtest ${strategy}`);
  const rendered = await runFileBacktest({
    strategy,
    dataPath: at(data),
    spec,
    okxBooks: values['okx-books'] === true,
    ...(instruments ? { instruments } : {}),
    window: { from, to },
    ...(progress ? { onProgress: progress } : {}),
  });
  const outDir = at(values.out ?? 'backtest-out');
  mkdirSync(outDir, { recursive: true });
  const name = values.name ?? strategy;
  writeFileSync(join(outDir, `${name}.json`), rendered.json);
  writeFileSync(join(outDir, `${name}.html`), rendered.html);
  const s = rendered.report.summary;
  process.stdout.write(
    `${strategy}: PnL ${s.totalPnl} ${s.currency} (${s.returnPct}%), Sharpe ${s.sharpe}, max DD ${s.maxDrawdownPct}%, ` +
      `trades ${String(s.trades)}, win rate ${s.winRatePct}%, fees ${s.fees}, turnover ${s.turnover}x\n` +
      `report: ${join(outDir, `${name}.json`)} and .html\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`backtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
