/**
 * The simulated Polymarket CLOB V2 venue: wires the CLOB (books, balances, settlement), the REST routes, the
 * market/user WebSockets, background liquidity and the admin/fault API behind the SimVenue contract.
 *
 * Admin API (POST, JSON bodies, under /admin/polymarket):
 *   /markets {question, tickSize?, minOrderSize?, negRisk?, feeRate?, endTime?, strike?, fair?}  → market JSON
 *   /fund {address, collateral?, tokens?: {tokenId: amount}}      set balances (decimal strings)
 *   /drop-ws                                                      terminate every WS connection
 *   /reject-next-order {status?, error?}                          next POST /order(s) refused unprocessed
 *   /timeout-next-order {holdMs?}                                 next POST /order(s) processed, never answered
 *   /rate-limit {count}                                           next `count` REST requests get 429
 *   /fail-next-trade                                              next trade settles FAILED (ledger undone)
 *   /resolve {conditionId, winner: "YES"|"NO"}                    settle 1/0, cancel orders, emit market_resolved
 *   /tick-size {conditionId, tickSize}                            change the tick, emit tick_size_change
 *   /version {version}                                            order version served by /version (2 or 3)
 *   /proxy {maker, signer}                                        POLY_PROXY/SAFE maker owned by an EOA
 *   /pay-rebates                                                  pay accrued maker rebates
 *   GET /state?address=                                           balances and open orders (for tests)
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Decimal } from 'decimal.js';
import type { SimContext, SimVenue, VenueRequest } from '../venue.js';
import { ApiKeyStore } from './auth.js';
import { Clob } from './clob.js';
import { POLYGON_CHAIN_ID, isTickSize } from './constants.js';
import { noFaults } from './faults.js';
import { parseJson, record, sendJson } from './http.js';
import { BackgroundLiquidity } from './liquidity.js';
import { createMarket, type MarketSpec } from './markets.js';
import { PolymarketRest, type RestState } from './rest.js';
import { marketJson, openOrderJson } from './wire.js';
import { PolymarketWs } from './ws.js';

export { Clob, takerFee } from './clob.js';
export { hmacSignature } from './auth.js';
export { createMarket } from './markets.js';
export type { SimMarket } from './types.js';

export interface PolymarketVenueOptions {
  chainId?: number;
  /** Collateral each new address starts with (decimal string). */
  initialCollateral?: string;
  /** Create the default markets (BTC-above, a plain binary market, a neg-risk market). */
  defaultMarkets?: boolean;
  refreshMs?: number;
  mineDelayMs?: number;
  confirmDelayMs?: number;
}

export interface PolymarketVenue extends SimVenue {
  readonly clob: Clob;
  addMarket(spec: MarketSpec & { fair?: string }): ReturnType<typeof createMarket>;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

export function createPolymarketVenue(ctx: SimContext, options: PolymarketVenueOptions = {}): PolymarketVenue {
  const chainId = options.chainId ?? POLYGON_CHAIN_ID;
  const clob = new Clob({
    now: () => ctx.now(),
    initialCollateral: new Decimal(options.initialCollateral ?? '10000'),
    makerRebateShare: new Decimal('0.2'),
    mineDelayMs: options.mineDelayMs ?? 50,
    confirmDelayMs: options.confirmDelayMs ?? 100,
  });
  const keys = new ApiKeyStore(ctx.seed);
  const state: RestState = { chainId, version: 2, proxies: new Map(), faults: noFaults() };
  const rest = new PolymarketRest(clob, keys, state, () => ctx.now());
  const ws = new PolymarketWs(clob, keys, () => ctx.now());
  const liquidity = new BackgroundLiquidity(clob, {
    seed: ctx.seed,
    now: () => ctx.now(),
    referencePrice: (id) => ctx.referencePrice(id),
    lagMs: 2_000,
    noise: 0.004,
    levels: 5,
    levelSize: new Decimal(100),
    halfSpreadTicks: 1,
    sigma: 0.6,
  });
  let marketCount = 0;
  let timer: NodeJS.Timeout | null = null;

  const addMarket = (spec: MarketSpec & { fair?: string }) => {
    const market = createMarket(ctx.seed, marketCount++, spec);
    clob.addMarket(market);
    if (spec.fair !== undefined) liquidity.setFair(market.conditionId, new Decimal(spec.fair));
    return market;
  };

  if (options.defaultMarkets !== false) {
    const now = ctx.now();
    const ref = ctx.referencePrice('BTC-USDT-SWAP');
    const strike = ref === undefined ? '100000' : ref.div(500).toDecimalPlaces(0).times(500).toString();
    const end = now + 3_600_000;
    addMarket({ question: `Will BTC be above ${strike} USDT at ${new Date(end).toISOString()}?`, strike, endTime: end, fair: '0.5', feeRate: '0.072' });
    addMarket({ question: 'Will the simulator stay up all day?', fair: '0.62', feeRate: '0.03' });
    addMarket({ question: 'Which candidate wins the simulated election: A?', fair: '0.3', tickSize: '0.001', negRisk: true, feeRate: '0' });
  }

  const tick = () => {
    clob.expireOrders();
    const now = ctx.now();
    for (const m of clob.listMarkets()) {
      if (m.closed || m.endTime === null || m.endTime > now) continue;
      liquidity.stop(m.conditionId);
      const ref = ctx.referencePrice('BTC-USDT-SWAP');
      const yes = m.strike !== null && ref !== undefined ? ref.gt(m.strike) : (m.lastTradePrice.get(m.yes.tokenId)?.price.gte(0.5) ?? false);
      clob.resolve(m.conditionId, yes ? 'Yes' : 'No');
    }
    liquidity.refresh();
  };

  async function admin(request: VenueRequest): Promise<boolean> {
    const path = request.url.pathname.replace(/^\/admin\/polymarket/, '');
    const body = record(parseJson(request.rawBody));
    const reply = (status: number, payload: unknown) => {
      sendJson(request.res, status, payload);
      return Promise.resolve(true);
    };
    switch (path) {
      case '/markets': {
        const question = str(body.question);
        const tickSize = str(body.tickSize) ?? '0.01';
        if (question === undefined || !isTickSize(tickSize)) return reply(400, { error: 'question and a valid tickSize are required' });
        const m = addMarket({
          question,
          tickSize,
          ...(str(body.minOrderSize) !== undefined ? { minOrderSize: str(body.minOrderSize) } : {}),
          ...(typeof body.negRisk === 'boolean' ? { negRisk: body.negRisk } : {}),
          ...(str(body.feeRate) !== undefined ? { feeRate: str(body.feeRate) } : {}),
          ...(typeof body.endTime === 'number' ? { endTime: body.endTime } : {}),
          ...(str(body.strike) !== undefined ? { strike: str(body.strike) } : {}),
          ...(str(body.fair) !== undefined ? { fair: str(body.fair) } : {}),
        });
        if (str(body.fair) !== undefined) liquidity.refresh();
        return reply(200, marketJson(m));
      }
      case '/fund': {
        const address = str(body.address);
        if (address === undefined) return reply(400, { error: 'address required' });
        const collateral = str(body.collateral);
        if (collateral !== undefined) clob.ledger.set(address, 'collateral', new Decimal(collateral));
        for (const [tokenId, amount] of Object.entries(record(body.tokens))) {
          const a = str(amount);
          if (a !== undefined) clob.ledger.set(address, tokenId, new Decimal(a));
        }
        return reply(200, { ok: true });
      }
      case '/drop-ws':
        return reply(200, { dropped: ws.dropAll() });
      case '/reject-next-order':
        state.faults.rejectNext = { status: typeof body.status === 'number' ? body.status : 500, error: str(body.error) ?? 'EXECUTION_ERROR: could not run the execution' };
        return reply(200, { ok: true });
      case '/timeout-next-order':
        state.faults.timeoutNext = { holdMs: typeof body.holdMs === 'number' ? body.holdMs : 1_000 };
        return reply(200, { ok: true });
      case '/rate-limit':
        state.faults.rateLimitBurst = typeof body.count === 'number' ? body.count : 1;
        return reply(200, { ok: true });
      case '/fail-next-trade':
        clob.failNextTrade = true;
        return reply(200, { ok: true });
      case '/resolve': {
        const conditionId = str(body.conditionId) ?? '';
        const winner = str(body.winner)?.toUpperCase();
        if (clob.market(conditionId) === undefined || (winner !== 'YES' && winner !== 'NO')) return reply(400, { error: 'conditionId and winner YES|NO required' });
        liquidity.stop(conditionId);
        const m = clob.resolve(conditionId, winner === 'YES' ? 'Yes' : 'No');
        return reply(200, m === undefined ? {} : marketJson(m));
      }
      case '/tick-size': {
        const tickSize = str(body.tickSize) ?? '';
        const m = isTickSize(tickSize) ? clob.setTickSize(str(body.conditionId) ?? '', tickSize) : undefined;
        return m === undefined ? reply(400, { error: 'conditionId and a valid tickSize required' }) : reply(200, marketJson(m));
      }
      case '/version':
        state.version = typeof body.version === 'number' ? body.version : 2;
        return reply(200, { version: state.version });
      case '/proxy': {
        const maker = str(body.maker);
        const signer = str(body.signer);
        if (maker === undefined || signer === undefined) return reply(400, { error: 'maker and signer required' });
        state.proxies.set(maker.toLowerCase(), signer.toLowerCase());
        return reply(200, { ok: true });
      }
      case '/pay-rebates':
        return reply(200, clob.payRebates());
      case '/state': {
        const address = request.url.searchParams.get('address') ?? '';
        const tokens: Record<string, string> = {};
        for (const m of clob.listMarkets()) for (const t of [m.yes, m.no]) {
          const q = clob.ledger.tokens(address, t.tokenId);
          if (!q.isZero()) tokens[t.tokenId] = q.toString();
        }
        return reply(200, {
          collateral: clob.ledger.collateral(address).toString(),
          tokens,
          openOrders: clob.openOrders({}).filter((o) => o.maker.toLowerCase() === address.toLowerCase()).map(openOrderJson),
          markets: clob.listMarkets().map(marketJson),
        });
      }
    }
    return false;
  }

  return {
    name: 'polymarket',
    clob,
    addMarket,
    handleHttp: (request) => rest.handle(request),
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
      const path = url.pathname.replace(/^\/polymarket(?=\/)/, '');
      if (path === '/ws/market' || path === '/ws/user') {
        ws.handleUpgrade(req, socket, head, path === '/ws/market' ? 'market' : 'user');
        return true;
      }
      return false;
    },
    handleAdmin: admin,
    start() {
      if (timer !== null) return;
      tick();
      timer = setInterval(tick, options.refreshMs ?? 500);
    },
    close() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      clob.close();
      ws.close();
      return Promise.resolve();
    },
  };
}
