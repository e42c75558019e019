/**
 * GET /api/exchanges/:exchange/markets: for now a static catalogue of the simulator's markets read from
 * config/markets.json (or MARKETS_FILE). Engines do not publish their instrument lists yet.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Exchange } from '@trading/shared-types';

const DEFAULT_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'config', 'markets.json');

let cache: { file: string; data: Record<string, unknown[]> } | null = null;

export function listMarkets(exchange: Exchange, file: string = DEFAULT_FILE): unknown[] {
  if (cache?.file !== file) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const data: Record<string, unknown[]> = {};
    for (const [k, v] of Object.entries(parsed)) if (Array.isArray(v)) data[k] = v as unknown[];
    cache = { file, data };
  }
  return cache.data[exchange] ?? [];
}
