/**
 * REST routes of the Polymarket venue, with paths as the SDK signs them (the server strips `/polymarket`):
 * public market data, L1 key management, L2 trading and account data, V2 order intake (signature recovery
 * against the version/neg-risk domain, owner and signer checks) and the venue's error replies.
 */
import { Decimal } from 'decimal.js';
import { getAddress } from 'viem';
import type { VenueRequest } from '../venue.js';
import type { ApiCreds, ApiKeyStore } from './auth.js';
import { verifyL1 } from './auth.js';
import type { Clob } from './clob.js';
import { AMOUNT_SCALE, END_CURSOR, ERR } from './constants.js';
import type { PolymarketFaults } from './faults.js';
import { parseJson, record, sendJson } from './http.js';
import { orderHash, postOrderSchema, priceAndSize, recoverOrderSigner, type PostOrderBody } from './order-payload.js';
import { marketJson, openOrderJson, tradeJson } from './wire.js';

export interface RestState {
  chainId: number;
  /** Order version served by /version (2; 3 to exercise order_version_mismatch). */
  version: number;
  /** POLY_PROXY / GNOSIS_SAFE makers: maker (lower-case) → owning EOA (lower-case). */
  proxies: Map<string, string>;
  faults: PolymarketFaults;
}

type Reply = { status: number; body: unknown };

const ok = (body: unknown): Reply => ({ status: 200, body });
const err = (status: number, error: string): Reply => ({ status, body: { error } });

function toUnits(d: Decimal): string {
  return d.times(AMOUNT_SCALE).toDecimalPlaces(0, Decimal.ROUND_DOWN).toFixed(0);
}

export class PolymarketRest {
  constructor(
    private readonly clob: Clob,
    private readonly keys: ApiKeyStore,
    private readonly state: RestState,
    private readonly now: () => number,
  ) {}

  async handle(request: VenueRequest): Promise<boolean> {
    const { req, res, url, rawBody } = request;
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.replace(/^\/polymarket(?=\/)/, '');
    if (this.state.faults.rateLimitBurst > 0) {
      this.state.faults.rateLimitBurst--;
      sendJson(res, 429, { error: ERR.rateLimited });
      return true;
    }
    const reply = await this.route(method, path, url.searchParams, rawBody, request);
    if (reply === null) return false;
    if (reply === 'held') return true;
    if (path === '/time' && reply.status === 200) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(String(reply.body));
      return true;
    }
    sendJson(res, reply.status, reply.body);
    return true;
  }

  private async route(method: string, path: string, q: URLSearchParams, raw: string, request: VenueRequest): Promise<Reply | 'held' | null> {
    const token = q.get('token_id') ?? '';
    // ---- public -------------------------------------------------------------------------------------------
    if (method === 'GET') {
      switch (path) {
        case '/':
        case '/ok':
          return ok('OK');
        case '/time':
          return ok(Math.floor(this.now() / 1000));
        case '/version':
          return ok({ version: this.state.version });
        case '/markets':
          return ok({ limit: 1000, count: this.clob.listMarkets().length, next_cursor: END_CURSOR, data: this.clob.listMarkets().map(marketJson) });
        case '/book': {
          const s = this.clob.summary(token);
          return s === undefined ? err(404, ERR.noBook) : ok(s);
        }
        case '/tick-size': {
          const t = this.clob.token(token);
          return t === undefined ? err(404, ERR.noBook) : ok({ minimum_tick_size: Number(t.market.tickSize) });
        }
        case '/neg-risk': {
          const t = this.clob.token(token);
          return t === undefined ? err(404, ERR.noBook) : ok({ neg_risk: t.market.negRisk });
        }
        case '/fee-rate': {
          const t = this.clob.token(token);
          return t === undefined ? err(404, ERR.noBook) : ok({ base_fee: Number(t.market.feeRate.times(10_000).toString()) });
        }
        case '/price': {
          const l = this.clob.levels(token);
          if (this.clob.token(token) === undefined) return err(404, ERR.noBook);
          // As in production: side=BUY answers the best bid, SELL the best ask.
          const best = q.get('side') === 'SELL' ? l.asks[0] : l.bids[0];
          return ok({ price: best?.[0].toString() ?? '0' });
        }
        case '/midpoint': {
          const l = this.clob.levels(token);
          const bid = l.bids[0]?.[0];
          const ask = l.asks[0]?.[0];
          if (bid === undefined || ask === undefined) return err(404, ERR.noBook);
          const mid = bid.plus(ask).div(2).toString();
          return ok({ mid, mid_price: mid });
        }
        case '/spread': {
          const l = this.clob.levels(token);
          const bid = l.bids[0]?.[0];
          const ask = l.asks[0]?.[0];
          if (bid === undefined || ask === undefined) return err(404, ERR.noBook);
          return ok({ spread: ask.minus(bid).toString() });
        }
        case '/last-trade-price': {
          const t = this.clob.token(token);
          if (t === undefined) return err(404, ERR.noBook);
          const last = t.market.lastTradePrice.get(token);
          return ok({ price: last?.price.toString() ?? '0.5', side: last?.side ?? '' });
        }
        case '/auth/derive-api-key': {
          const l1 = await verifyL1(request.req.headers, this.state.chainId);
          if (l1 === null) return err(401, ERR.invalidL1);
          const c = this.keys.deriveOrCreate(l1.address, l1.nonce);
          return ok({ apiKey: c.apiKey, secret: c.secret, passphrase: c.passphrase });
        }
      }
      const marketMatch = /^\/markets\/(0x[0-9a-fA-F]+)$/.exec(path) ?? /^\/clob-markets\/(0x[0-9a-fA-F]+)$/.exec(path);
      if (marketMatch !== null) {
        const m = this.clob.market(marketMatch[1] ?? '');
        if (m === undefined) return err(404, 'market not found');
        if (path.startsWith('/markets/')) return ok(marketJson(m));
        return ok({ t: [{ t: m.yes.tokenId, o: 'Yes' }, { t: m.no.tokenId, o: 'No' }], mts: Number(m.tickSize), nr: m.negRisk, fd: { r: Number(m.feeRate.toString()), e: 1 } });
      }
      const byToken = /^\/markets-by-token\/(\d+)$/.exec(path);
      if (byToken !== null) {
        const t = this.clob.token(byToken[1] ?? '');
        return t === undefined ? err(404, 'market not found') : ok({ condition_id: t.market.conditionId });
      }
    }
    if (method === 'POST' && path === '/books') {
      const body = parseJson(raw);
      if (!Array.isArray(body)) return err(400, 'Invalid payload');
      return ok(body.map((b) => this.clob.summary(String(record(b).token_id))).filter((s) => s !== undefined));
    }
    if (method === 'POST' && path === '/auth/api-key') {
      const l1 = await verifyL1(request.req.headers, this.state.chainId);
      if (l1 === null) return err(401, ERR.invalidL1);
      const c = this.keys.create(l1.address, l1.nonce);
      return c === null ? err(400, ERR.cannotCreateKey) : ok({ apiKey: c.apiKey, secret: c.secret, passphrase: c.passphrase });
    }
    // ---- private (L2) -------------------------------------------------------------------------------------
    if (!this.isPrivate(method, path)) return null;
    const creds = this.keys.verifyL2(request.req.headers, method, path, raw);
    if (creds === null) return err(401, ERR.unauthorized);
    return this.privateRoute(method, path, q, raw, creds, request);
  }

  private isPrivate(method: string, path: string): boolean {
    if (path.startsWith('/data/') || path.startsWith('/balance-allowance')) return method === 'GET';
    if (['/order', '/orders'].includes(path)) return method === 'POST' || method === 'DELETE';
    if (['/cancel-all', '/cancel-market-orders'].includes(path)) return method === 'DELETE';
    if (['/v1/heartbeats', '/heartbeats'].includes(path)) return method === 'POST';
    if (path === '/auth/api-keys') return method === 'GET';
    return false;
  }

  private async privateRoute(method: string, path: string, q: URLSearchParams, raw: string, creds: ApiCreds, request: VenueRequest): Promise<Reply | 'held'> {
    if (method === 'POST' && (path === '/order' || path === '/orders')) {
      const fault = this.state.faults;
      if (fault.rejectNext !== null) {
        const r = fault.rejectNext;
        fault.rejectNext = null;
        return err(r.status, r.error);
      }
      const body = parseJson(raw);
      let reply: Reply;
      if (path === '/order') {
        const r = await this.intake(body, creds);
        reply = r.ok ? ok(r.body) : { status: r.status, body: { error: r.error } };
      } else {
        if (!Array.isArray(body) || body.length > 15) return err(400, ERR.badPayload);
        const results = [];
        for (const item of body) {
          const r = await this.intake(item, creds);
          results.push(r.ok ? r.body : { success: false, errorMsg: r.error, orderID: '', status: '', takingAmount: '', makingAmount: '' });
        }
        reply = ok(results);
      }
      if (fault.timeoutNext !== null) {
        // Accepted and processed, but the answer never arrives: the client must reconcile.
        const hold = fault.timeoutNext.holdMs;
        fault.timeoutNext = null;
        setTimeout(() => request.res.destroy(), hold);
        return 'held';
      }
      return reply;
    }
    switch (path) {
      case '/order': {
        const id = String(record(parseJson(raw)).orderID);
        return ok(this.clob.cancelMany([id], creds.apiKey));
      }
      case '/orders': {
        const ids = parseJson(raw);
        if (!Array.isArray(ids)) return err(400, 'Invalid payload');
        return ok(this.clob.cancelMany(ids.map(String), creds.apiKey));
      }
      case '/cancel-all':
        return ok(this.clob.cancelMany(this.clob.openOrders({ owner: creds.apiKey }).map((o) => o.id), creds.apiKey));
      case '/cancel-market-orders': {
        const b = record(parseJson(raw));
        const filter = { owner: creds.apiKey, ...(typeof b.market === 'string' && b.market !== '' ? { market: b.market } : {}), ...(typeof b.asset_id === 'string' && b.asset_id !== '' ? { assetId: b.asset_id } : {}) };
        return ok(this.clob.cancelMany(this.clob.openOrders(filter).map((o) => o.id), creds.apiKey));
      }
      case '/data/orders': {
        const filter = { owner: creds.apiKey, ...opt('id', q.get('id')), ...opt('market', q.get('market')), ...opt('assetId', q.get('asset_id')) };
        const data = this.clob.openOrders(filter).map(openOrderJson);
        return ok({ data, next_cursor: END_CURSOR, limit: 500, count: data.length });
      }
      case '/data/trades': {
        const id = q.get('id');
        const market = q.get('market');
        const asset = q.get('asset_id');
        const before = q.get('before');
        const after = q.get('after');
        const data = this.clob
          .tradesOf(creds.apiKey)
          .filter((t) => (id === null || t.id === id) && (market === null || t.market.conditionId === market))
          .filter((t) => asset === null || t.taker.token.tokenId === asset || t.makers.some((m) => m.order.token.tokenId === asset))
          .filter((t) => (before === null || t.matchTime < Number(before)) && (after === null || t.matchTime > Number(after)))
          .map((t) => tradeJson(t, creds.apiKey));
        return ok({ data, next_cursor: END_CURSOR, limit: 500, count: data.length });
      }
      case '/balance-allowance':
      case '/balance-allowance/update': {
        const maker = q.get('signature_type') !== null && q.get('signature_type') !== '0' ? this.funderOf(creds) : creds.address;
        const amount = q.get('asset_type') === 'CONDITIONAL' ? this.clob.ledger.tokens(maker, q.get('token_id') ?? '') : this.clob.ledger.collateral(maker);
        const allowance = '115792089237316195423570985343';
        return ok({ balance: toUnits(amount), allowance, allowances: { [getAddress('0xE111180000d2663C0091e4f400237545B87B996B')]: allowance } });
      }
      case '/v1/heartbeats':
      case '/heartbeats':
        {
        const hb = record(parseJson(raw)).heartbeat_id;
        return ok({ heartbeat_id: typeof hb === 'string' ? hb : '', status: 'ok' });
      }
      case '/auth/api-keys':
        return ok({ apiKeys: [creds.apiKey] });
    }
    const single = /^\/data\/order\/(0x[0-9a-fA-F]+)$/.exec(path);
    if (single !== null) {
      const o = this.clob.getOrder(single[1] ?? '');
      return o === undefined || o.owner !== creds.apiKey ? err(404, 'order not found') : ok(openOrderJson(o));
    }
    return err(404, 'not found');
  }

  private funderOf(creds: ApiCreds): string {
    for (const [maker, eoa] of this.state.proxies) if (eoa === creds.address.toLowerCase()) return maker;
    return creds.address;
  }

  /** Validates and places one V2 order payload; the reply is an OrderResponse or {error}. */
  private async intake(body: unknown, creds: ApiCreds): Promise<{ ok: false; status: number; error: string } | { ok: true; body: Record<string, unknown> }> {
    const parsed = postOrderSchema.safeParse(body);
    if (!parsed.success) return { ok: false, status: 400, error: ERR.badPayload };
    const p: PostOrderBody = parsed.data;
    const o = p.order;
    if (p.owner !== creds.apiKey) return { ok: false, status: 400, error: ERR.ownerMismatch };
    const entry = this.clob.token(o.tokenId);
    if (entry === undefined) return { ok: false, status: 400, error: ERR.noBook };
    const chainId = this.state.chainId;
    const version = this.state.version;
    const signer = await recoverOrderSigner(o, version, entry.market.negRisk, chainId);
    if (signer === null || signer.toLowerCase() !== o.signer.toLowerCase()) {
      // Signed for another order version (e.g. V2 after the venue moved to V3): the SDK refetches /version.
      const other = await recoverOrderSigner(o, version === 2 ? 3 : 2, entry.market.negRisk, chainId);
      if (other !== null && other.toLowerCase() === o.signer.toLowerCase()) return { ok: false, status: 400, error: ERR.versionMismatch };
      return { ok: false, status: 400, error: ERR.invalidSignature };
    }
    if (creds.address.toLowerCase() !== o.signer.toLowerCase()) return { ok: false, status: 400, error: ERR.ownerMismatch };
    const makerOk =
      o.signatureType === 0
        ? o.maker.toLowerCase() === o.signer.toLowerCase()
        : (o.signatureType === 1 || o.signatureType === 2) && this.state.proxies.get(o.maker.toLowerCase()) === o.signer.toLowerCase();
    if (!makerOk) return { ok: false, status: 400, error: ERR.invalidSignature };
    const ps = priceAndSize(o);
    if (ps === null) return { ok: false, status: 400, error: ERR.badPayload };
    const id = orderHash(o, version, entry.market.negRisk, chainId);
    const r = this.clob.place({
      id,
      owner: creds.apiKey,
      maker: getAddress(o.maker),
      market: entry.market,
      token: entry.token,
      side: o.side,
      price: ps.price,
      size: ps.size,
      orderType: p.orderType,
      expiration: Number(o.expiration),
      postOnly: p.postOnly,
    });
    if (!r.ok) return { ok: false, status: 400, error: r.error };
    const making = r.trades.reduce((s, t) => s.plus(o.side === 'BUY' ? t.size.times(t.price) : t.size), new Decimal(0));
    const taking = r.trades.reduce((s, t) => s.plus(o.side === 'BUY' ? t.size : t.size.times(t.price)), new Decimal(0));
    const response = {
      success: true,
      errorMsg: '',
      orderID: id,
      status: r.status,
      makingAmount: r.trades.length === 0 ? '' : making.toString(),
      takingAmount: r.trades.length === 0 ? '' : taking.toString(),
      ...(r.trades.length > 0 ? { tradeIDs: r.trades.map((t) => t.id), transactionsHashes: r.trades.map((t) => t.transactionHash) } : {}),
    };
    return { ok: true, body: response };
  }
}

function opt<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null || value === '' ? {} : ({ [key]: value } as Partial<Record<K, string>>);
}
