/** `npm run backtest:reports`: reruns the committed backtests and rewrites docs/backtests/<strategy>.{json,html}. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMITTED_BACKTESTS, DATA_DIR, REPORTS_DIR } from './committed.js';
import { runFileBacktest } from './backtest-files.js';

async function main(): Promise<void> {
  mkdirSync(REPORTS_DIR, { recursive: true });
  for (const run of COMMITTED_BACKTESTS) {
    const rendered = await runFileBacktest({ strategy: run.strategy, dataPath: join(DATA_DIR, run.data), spec: join(DATA_DIR, run.spec) });
    writeFileSync(join(REPORTS_DIR, `${run.strategy}.json`), rendered.json);
    writeFileSync(join(REPORTS_DIR, `${run.strategy}.html`), rendered.html);
    const s = rendered.report.summary;
    process.stdout.write(`${run.strategy}: PnL ${s.totalPnl} ${s.currency} (${s.returnPct}%), Sharpe ${s.sharpe}, maxDD ${s.maxDrawdownPct}%, trades ${String(s.trades)}, win ${s.winRatePct}%, fees ${s.fees}, turnover ${s.turnover}, stopped ${s.stoppedBy?.rule ?? 'no'}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
