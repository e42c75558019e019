/**
 * GET /api/exchanges/:exchange/markets: the venue's own list, from its public REST — OKX
 * `GET /api/v5/public/instruments?instType=SPOT|SWAP|FUTURES`, Polymarket CLOB `GET /markets` (cursor-paged) —
 * mapped to MarketInfo (schemas/entities/market-info.json) and cached per exchange for MARKETS_CACHE_MS
 * (concurrent misses share one fetch). A venue that does not answer (refused, timeout) gives 503, one that answers
 * wrongly (HTTP error, OKX error code, malformed body) 502; a failure is not cached.
 *
 * Offline fallback: MARKETS_SOURCE=static serves the static catalogue config/markets.json (or MARKETS_FILE), a
 * snapshot of the simulator's markets, for deployments without venue access.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toPlainDecimal, validate, type Exchange, type MarketInfo } from '@trading/shared-types';
import type { AppConfig } from '../../config/env.js';
import { ApiError } from '../../errors.js';

const DEFAULT_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'config', 'markets.json');
const OKX_TYPES = ['SPOT', 'SWAP', 'FUTURES'] as const;
/** Polymarket's cursor that means "no more pages" (base64 of "-1"). */
const END_CURSOR = 'LTE=';
const MAX_PAGES = 50;

export type MarketsConfig = Pick<AppConfig, 'marketsFile' | 'okxRestUrl' | 'polymarketClobUrl' | 'marketsSource' | 'marketsCacheMs' | 'marketsTimeoutMs'>;

export interface MarketList {
  exchange: Exchange;
  source: 'venue' | 'static-catalogue';
  /** When the list was read from the venue (ms); cached answers keep the time of the read. */
  fetchedAt: number;
  data: MarketInfo[];
}

const unavailable = (exchange: Exchange, why: string) => new ApiError(503, 'EXCHANGE_UNAVAILABLE', `${exchange} did not answer the markets request: ${why}`);
const badGateway = (exchange: Exchange, why: string) => new ApiError(502, 'BAD_GATEWAY', `${exchange} answered the markets request with an error: ${why}`);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');

/** Venue numbers (Polymarket sends ticks and sizes as JSON numbers) as exact decimal strings. */
function decimal(value: unknown): string {
  if (typeof value === 'number') return toPlainDecimal(value);
  return str(value);
}

async function getJson(exchange: Exchange, url: string, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw unavailable(exchange, error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${String(timeoutMs)} ms` : cause);
  }
  const text = await response.text().catch(() => '');
  if (response.status === 503 || response.status === 504) throw unavailable(exchange, `HTTP ${String(response.status)}`);
  if (!response.ok) throw badGateway(exchange, `HTTP ${String(response.status)} ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badGateway(exchange, 'the body is not JSON');
  }
}

export function mapOkxInstrument(raw: Record<string, unknown>): MarketInfo {
  const instId = str(raw.instId);
  const instType = str(raw.instType) as MarketInfo['instType'];
  // Derivatives name their pair in uly (BTC-USDT); spot in baseCcy/quoteCcy.
  const [ulyBase = '', ulyQuote = ''] = str(raw.uly).split('-');
  const expiry = str(raw.expTime);
  return {
    instrumentId: `okx:${instId}`,
    symbol: instId,
    ...(instType === undefined ? {} : { instType }),
    base: str(raw.baseCcy) || ulyBase,
    quote: str(raw.quoteCcy) || ulyQuote,
    settleCurrency: str(raw.settleCcy) || str(raw.quoteCcy),
    tickSize: decimal(raw.tickSz),
    lotSize: decimal(raw.lotSz),
    minSize: decimal(raw.minSz),
    contractValue: str(raw.ctVal) === '' ? null : decimal(raw.ctVal),
    expiry: /^\d+$/.test(expiry) ? Number(expiry) : null,
    active: str(raw.state) === 'live',
  };
}

export function mapPolymarketMarket(raw: Record<string, unknown>): MarketInfo {
  const marketId = str(raw.condition_id);
  const tokens = Array.isArray(raw.tokens) ? raw.tokens.filter(isRecord) : [];
  return {
    instrumentId: `polymarket:${marketId}`,
    symbol: str(raw.question) || str(raw.market_slug) || marketId,
    marketId,
    tokens: tokens.map((token) => ({ outcome: str(token.outcome).toUpperCase(), tokenId: str(token.token_id), instrumentId: `polymarket:${str(token.token_id)}` })),
    tickSize: decimal(raw.minimum_tick_size),
    minSize: decimal(raw.minimum_order_size),
    negRisk: raw.neg_risk === true,
    active: raw.active !== false && raw.closed !== true && raw.accepting_orders !== false,
  };
}

/** Every entry is checked against MarketInfo: a venue that changed its format is a 502, not a silent bad list. */
function checked(exchange: Exchange, markets: MarketInfo[]): MarketInfo[] {
  for (const market of markets) {
    const result = validate('MarketInfo', market);
    if (!result.ok) throw badGateway(exchange, `unexpected market ${market.instrumentId}: ${result.issues.slice(0, 3).map((i) => i.message).join('; ')}`);
  }
  return markets;
}

async function fetchOkx(config: MarketsConfig): Promise<MarketInfo[]> {
  const pages = await Promise.all(
    OKX_TYPES.map(async (instType) => {
      const body = await getJson('okx', `${config.okxRestUrl}/api/v5/public/instruments?instType=${instType}`, config.marketsTimeoutMs);
      if (!isRecord(body) || body.code !== '0' || !Array.isArray(body.data)) {
        throw badGateway('okx', isRecord(body) ? `code ${str(body.code)} ${str(body.msg)}` : 'unexpected body');
      }
      return body.data.filter(isRecord).map(mapOkxInstrument);
    }),
  );
  return checked('okx', pages.flat());
}

async function fetchPolymarket(config: MarketsConfig): Promise<MarketInfo[]> {
  const out: MarketInfo[] = [];
  let cursor = '';
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const body = await getJson('polymarket', `${config.polymarketClobUrl}/markets${cursor === '' ? '' : `?next_cursor=${encodeURIComponent(cursor)}`}`, config.marketsTimeoutMs);
    if (!isRecord(body) || !Array.isArray(body.data)) throw badGateway('polymarket', 'unexpected body');
    out.push(...body.data.filter(isRecord).map(mapPolymarketMarket));
    cursor = str(body.next_cursor);
    if (cursor === '' || cursor === END_CURSOR) break;
  }
  return checked('polymarket', out);
}

let staticCache: { file: string; data: Record<string, MarketInfo[]> } | null = null;

export function staticMarkets(exchange: Exchange, file: string = DEFAULT_FILE): MarketInfo[] {
  if (staticCache?.file !== file) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const data: Record<string, MarketInfo[]> = {};
    for (const [key, value] of Object.entries(parsed)) {
      if (!Array.isArray(value)) continue;
      // The file predates tokens[].instrumentId: add it, so both sources answer the same shape.
      data[key] = (value as MarketInfo[]).map((market) =>
        market.tokens ? { ...market, tokens: market.tokens.map((token) => ({ ...token, instrumentId: `polymarket:${token.tokenId}` })) } : market,
      );
    }
    staticCache = { file, data };
  }
  return staticCache.data[exchange] ?? [];
}

const cache = new Map<string, { at: number; list: MarketList }>();
const inFlight = new Map<string, Promise<MarketList>>();

/** Forget cached lists (tests, and a future admin "refresh"). */
export function clearMarketCache(): void {
  cache.clear();
}

export async function listMarkets(exchange: Exchange, config: MarketsConfig, now: () => number = Date.now): Promise<MarketList> {
  if (config.marketsSource === 'static') {
    return { exchange, source: 'static-catalogue', fetchedAt: now(), data: staticMarkets(exchange, config.marketsFile) };
  }
  // Keyed by URL too: two configurations in one process (tests) never share an entry.
  const key = `${exchange}|${exchange === 'okx' ? config.okxRestUrl : config.polymarketClobUrl}`;
  const hit = cache.get(key);
  if (hit && now() - hit.at < config.marketsCacheMs) return hit.list;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = (exchange === 'okx' ? fetchOkx(config) : fetchPolymarket(config))
      .then((data) => {
        const list: MarketList = { exchange, source: 'venue', fetchedAt: now(), data };
        if (config.marketsCacheMs > 0) cache.set(key, { at: list.fetchedAt, list });
        return list;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}
