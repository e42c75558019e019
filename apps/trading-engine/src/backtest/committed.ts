/**
 * The committed backtests: for each strategy, the recorded data set under apps/trading-engine/data/, the spec file
 * next to it, and the report pair under docs/backtests/. `npm run backtest:data` regenerates the data sets,
 * `npm run backtest:reports` the reports; a test checks both are reproducible byte for byte.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const ENGINE_DIR = join(here, '../..');
export const DATA_DIR = join(ENGINE_DIR, 'data');
export const REPORTS_DIR = join(ENGINE_DIR, '../../docs/backtests');

export interface CommittedBacktest {
  strategy: string;
  data: string;
  spec: string;
}

export const COMMITTED_BACKTESTS: readonly CommittedBacktest[] = [
  { strategy: 'market-making', data: 'market-making-polymarket.jsonl', spec: 'market-making.config.json' },
  { strategy: 'signal-based', data: 'signal-btc-swap.jsonl', spec: 'signal-based.config.json' },
  { strategy: 'arbitrage', data: 'arbitrage-btc-polymarket.jsonl', spec: 'arbitrage.config.json' },
  { strategy: 'grid', data: 'grid-btc-swap.jsonl', spec: 'grid.config.json' },
  { strategy: 'funding-rate-arb', data: 'funding-btc-spot-swap.jsonl', spec: 'funding-rate-arb.config.json' },
  { strategy: 'dca', data: 'dca-btc-spot.jsonl', spec: 'dca.config.json' },
];
