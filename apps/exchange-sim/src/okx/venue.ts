/**
 * The simulated OKX venue: wires the exchange state, the market generator (or a replay), the books feeds, REST,
 * WebSocket and the admin/fault API (`/admin/okx/...`, mirrored by the in-process `OkxSimAdmin` handle).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Decimal } from 'decimal.js';
import type { SimContext, SimVenue, VenueRequest } from '../venue.js';
import { isRecord, parseJson, sendJson } from '../http-util.js';
import { OkxFaults } from '../faults/okx-faults.js';
import { MarketGenerator, type GeneratorOptions } from '../market-data/generator.js';
import { BooksReplay } from '../market-data/replay.js';
import type { OkxApiKey } from './auth.js';
import { BooksFeed } from './books-feed.js';
import { OkxExchange } from './exchange.js';
import { DEFAULT_OKX_INSTRUMENTS, type OkxInstrumentDef } from './instruments.js';
import { handleOkxRest } from './rest.js';
import { fundingBillToOkx, orderToOkx, positionToOkx } from './wire.js';
import { OkxWsServer } from './ws.js';

export const DEFAULT_OKX_KEY: OkxApiKey = { apiKey: 'sim-okx-api-key', secret: 'sim-okx-secret', passphrase: 'sim-okx-passphrase' };
export const DEFAULT_OKX_BALANCES: Record<string, string> = { USDT: '100000', BTC: '2', ETH: '20' };

export interface OkxVenueOptions {
  instruments?: readonly OkxInstrumentDef[];
  /** Accounts to create (default: DEFAULT_OKX_KEY with DEFAULT_OKX_BALANCES). */
  accounts?: { key: OkxApiKey; balances: Record<string, string> }[];
  /** Push/generator cadence in ms (OKX books pushes every 100 ms). */
  tickMs?: number;
  generator?: GeneratorOptions;
  /** false = checksum always 0 (OKX after June 2026). */
  checksum?: boolean;
  /** Replay recorded OKX books JSONL instead of generating those instruments. */
  replay?: { file: string; loop?: boolean };
  /** Record every `books` push of one instrument to a JSONL file. */
  record?: { instId: string; file: string };
  /** Start with the generator paused (tests drive it with step()). */
  paused?: boolean;
}

export interface OkxBookState {
  seqId: number;
  bids: [string, string][];
  asks: [string, string][];
}

export interface OkxAccountState {
  balances: Record<string, { cash: string; available: string; frozen: string }>;
  positions: Record<string, string>[];
  openOrders: Record<string, string>[];
  orders: Record<string, string>[];
  /** Funding settlements, newest first, as GET /api/v5/account/bills lists them. */
  fundingBills: Record<string, string>[];
}

/** In-process control of the OKX venue (the admin HTTP API calls the same methods). */
export interface OkxSimAdmin {
  readonly defaultKey: OkxApiKey;
  addAccount(key: OkxApiKey, balances: Record<string, string>): void;
  book(instId: string, depth?: number): OkxBookState;
  account(apiKey?: string): OkxAccountState;
  mid(instId: string): string | undefined;
  /** Background liquidity: a resting maker order, or (price undefined) a taker that trades now. */
  addLiquidity(instId: string, side: 'buy' | 'sell', price: string | undefined, size: string): void;
  /** Settles the swap's funding now (at `rate`, default its current rate) instead of at its next funding time. */
  settleFunding(instId: string, rate?: string): void;
  pause(): void;
  resume(): void;
  /** Runs n generator steps and pushes (works while paused). */
  step(n?: number): void;
  dropConnections(kind?: 'public' | 'private' | 'business'): number;
  notice(): void;
  stall(channel: string, durationMs: number, instId?: string): void;
  corruptNextChecksum(instId: string): void;
  skipNextSequence(instId: string): void;
  rateLimitNext(count: number): void;
  rejectNextOrder(sCode?: string, sMsg?: string): void;
  timeoutNextOrder(delayMs?: number | null): void;
  clearFaults(): void;
  connectionCount(): number;
}

export class OkxVenue implements SimVenue {
  readonly name = 'okx' as const;
  readonly exchange: OkxExchange;
  readonly faults = new OkxFaults();
  readonly admin: OkxSimAdmin;
  private readonly feeds = new Map<string, BooksFeed>();
  private readonly ws: OkxWsServer;
  private readonly generator: MarketGenerator;
  private readonly replay: BooksReplay | null;
  private readonly held = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | null = null;
  private paused: boolean;
  private ticks = 0;
  private readonly tickMs: number;

  constructor(private readonly ctx: SimContext, private readonly options: OkxVenueOptions = {}) {
    const instruments = options.instruments ?? DEFAULT_OKX_INSTRUMENTS;
    const checksumOn = options.checksum ?? true;
    this.exchange = new OkxExchange(instruments, () => ctx.now(), (instId, side, price) => this.feeds.get(instId)?.levelChanged(side, price));
    for (const m of this.exchange.markets.values()) {
      this.feeds.set(m.def.instId, new BooksFeed(m.def, m.book, () => checksumOn, 1000 + (ctx.seed % 1000) * 1000));
    }
    for (const account of options.accounts ?? [{ key: DEFAULT_OKX_KEY, balances: DEFAULT_OKX_BALANCES }]) {
      this.exchange.addAccount(account.key, account.balances);
    }
    this.ws = new OkxWsServer({ exchange: this.exchange, faults: this.faults, feeds: this.feeds, now: () => ctx.now() });
    this.exchange.addListener({
      onOrder: (apiKey, order) => { this.ws.onOrder(apiKey, order); },
      onPosition: (apiKey, position) => { this.ws.onPosition(apiKey, position); },
      onBalance: (apiKey, ccys) => {
        const account = this.exchange.accounts.get(apiKey);
        if (account) this.ws.onBalance(account, ccys);
      },
      onTrade: (trade) => { this.ws.onTrade(trade); },
    });
    this.replay = options.replay ? new BooksReplay(this.exchange, { file: options.replay.file }, options.replay.loop ?? true) : null;
    const replayed = this.replay?.instIds() ?? [];
    const generated = [...this.exchange.markets.keys()].filter((id) => !replayed.includes(id));
    this.generator = new MarketGenerator(this.exchange, ctx.seed, options.generator, generated);
    this.generator.seedBooks();
    this.replay?.step();
    for (const feed of this.feeds.values()) feed.flush(ctx.now());
    if (options.record) writeFileSync(options.record.file, `${JSON.stringify(this.feeds.get(options.record.instId)?.snapshot(ctx.now()))}\n`);
    this.paused = options.paused ?? false;
    this.tickMs = options.tickMs ?? 100;
    this.admin = this.createAdmin();
  }

  mid(instId: string): Decimal | undefined {
    return this.exchange.mid(instId);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => { this.tick(); }, this.tickMs);
    this.timer.unref();
  }

  private tick(force = false): void {
    if (!this.paused || force) {
      this.generator.step(this.ctx.now());
      this.replay?.step();
    }
    this.ticks++;
    const record = this.options.record;
    const feed = record ? this.feeds.get(record.instId) : undefined;
    if (record && feed) {
      const msg = this.ws.flushBooks(feed);
      if (msg) appendFileSync(record.file, `${JSON.stringify(msg)}\n`);
    }
    this.ws.tick(this.ticks % 5 === 0);
  }

  async handleHttp(request: VenueRequest): Promise<boolean> {
    return handleOkxRest({ exchange: this.exchange, faults: this.faults, now: () => this.ctx.now(), held: this.held }, request);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean {
    if (url.pathname.startsWith('/polymarket')) return false;
    this.ws.handleUpgrade(req, socket, head, url);
    return true;
  }

  handleAdmin(request: VenueRequest): Promise<boolean> {
    return Promise.resolve(this.adminSync(request));
  }

  private adminSync(request: VenueRequest): boolean {
    const { res, url, rawBody, req } = request;
    const action = url.pathname.replace(/^\/admin\/okx\/?/, '');
    const body = parseJson(rawBody);
    const b = isRecord(body) ? body : {};
    const str = (k: string) => (typeof b[k] === 'string' ? b[k] : undefined);
    const num = (k: string) => (typeof b[k] === 'number' ? b[k] : undefined);
    const a = this.admin;
    const done = (data: unknown = { ok: true }) => { sendJson(res, 200, data); };
    if (req.method === 'GET') {
      if (action === 'book') return done(a.book(url.searchParams.get('instId') ?? '', Number(url.searchParams.get('depth') ?? '400'))), true;
      if (action === 'account') return done(a.account(url.searchParams.get('apiKey') ?? undefined)), true;
      if (action === 'state') return done({ paused: this.paused, connections: a.connectionCount(), instruments: [...this.exchange.markets.keys()] }), true;
      return false;
    }
    switch (action) {
      case 'accounts': {
        const apiKey = str('apiKey');
        const secret = str('secret');
        const passphrase = str('passphrase');
        if (!apiKey || !secret || !passphrase) return sendJson(res, 400, { error: 'apiKey, secret, passphrase required' }), true;
        const balances = isRecord(b.balances) ? Object.fromEntries(Object.entries(b.balances).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
        a.addAccount({ apiKey, secret, passphrase }, balances);
        break;
      }
      case 'liquidity': {
        const instId = str('instId');
        const side = str('side');
        const size = str('size');
        if (!instId || (side !== 'buy' && side !== 'sell') || !size) return sendJson(res, 400, { error: 'instId, side, size required' }), true;
        a.addLiquidity(instId, side, str('price'), size);
        break;
      }
      case 'funding': {
        const instId = str('instId');
        const rate = str('rate');
        if (!instId || this.exchange.market(instId)?.def.instType !== 'SWAP') return sendJson(res, 400, { error: 'instId of a swap required' }), true;
        if (rate !== undefined && !/^-?\d+(\.\d+)?$/.test(rate)) return sendJson(res, 400, { error: 'rate must be a decimal string' }), true;
        a.settleFunding(instId, rate);
        break;
      }
      case 'pause': a.pause(); break;
      case 'resume': a.resume(); break;
      case 'step': a.step(num('n') ?? 1); break;
      case 'faults/drop-connections': {
        const kind = str('kind');
        return done({ dropped: a.dropConnections(kind === 'public' || kind === 'private' || kind === 'business' ? kind : undefined) }), true;
      }
      case 'faults/notice': a.notice(); break;
      case 'faults/stall': a.stall(str('channel') ?? 'books', num('durationMs') ?? 5000, str('instId')); break;
      case 'faults/corrupt-checksum': a.corruptNextChecksum(str('instId') ?? ''); break;
      case 'faults/skip-sequence': a.skipNextSequence(str('instId') ?? ''); break;
      case 'faults/rate-limit': a.rateLimitNext(num('count') ?? 1); break;
      case 'faults/reject-next-order': a.rejectNextOrder(str('sCode'), str('sMsg')); break;
      case 'faults/timeout-next-order': a.timeoutNextOrder(num('delayMs') ?? null); break;
      case 'faults/clear': a.clearFaults(); break;
      default:
        return false;
    }
    done();
    return true;
  }

  /** Drops every connection and held request (used by a simulated restart; state is kept). */
  disconnectAll(): void {
    this.ws.dropConnections();
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.disconnectAll();
    await this.ws.close();
  }

  private createAdmin(): OkxSimAdmin {
    const exchange = this.exchange;
    const feed = (instId: string) => {
      const f = this.feeds.get(instId);
      if (!f) throw new Error(`unknown instrument ${instId}`);
      return f;
    };
    return {
      defaultKey: this.options.accounts?.[0]?.key ?? DEFAULT_OKX_KEY,
      addAccount: (key, balances) => { exchange.addAccount(key, balances); },
      book: (instId, depth = 400) => {
        const f = feed(instId);
        return { seqId: f.lastSeqId, bids: f.levels('buy', depth).map(([p, s]) => [p, s]), asks: f.levels('sell', depth).map(([p, s]) => [p, s]) };
      },
      account: (apiKey) => {
        const account = exchange.accounts.get(apiKey ?? this.admin.defaultKey.apiKey);
        if (!account) throw new Error('unknown account');
        const balances: OkxAccountState['balances'] = {};
        for (const [ccy, cash] of account.cash) {
          balances[ccy] = { cash: cash.toFixed(), available: exchange.available(account, ccy).toFixed(), frozen: exchange.frozen(account, ccy).toFixed() };
        }
        const orders = [...account.orders.values()].map(orderToOkx);
        return {
          balances,
          positions: [...account.positions.values()].filter((p) => !p.pos.isZero()).map((p) => positionToOkx(exchange, p)),
          openOrders: orders.filter((o) => o.state === 'live' || o.state === 'partially_filled'),
          orders,
          fundingBills: account.fundingBills.map(fundingBillToOkx).reverse(),
        };
      },
      mid: (instId) => exchange.mid(instId)?.toFixed(),
      addLiquidity: (instId, side, price, size) => {
        exchange.placeBackground(instId, side, price === undefined ? undefined : new Decimal(price), new Decimal(size), price === undefined ? 'IOC' : 'GTC');
      },
      settleFunding: (instId, rate) => {
        exchange.settleFunding(this.ctx.now(), { instId, ...(rate === undefined ? {} : { rate: new Decimal(rate) }) });
      },
      pause: () => { this.paused = true; },
      resume: () => { this.paused = false; },
      step: (n = 1) => { for (let i = 0; i < n; i++) this.tick(true); },
      dropConnections: (kind) => this.ws.dropConnections(kind),
      notice: () => { this.ws.notice(); },
      stall: (channel, durationMs, instId) => { this.faults.stall(channel, instId, this.ctx.now() + durationMs); },
      corruptNextChecksum: (instId) => { feed(instId).corruptNextChecksum = true; },
      skipNextSequence: (instId) => { feed(instId).skipNextSeq = true; },
      rateLimitNext: (count) => { this.faults.rateLimitNext = count; },
      rejectNextOrder: (sCode = '51000', sMsg = 'Order rejected by fault injection') => { exchange.rejectNext = { sCode, sMsg }; },
      timeoutNextOrder: (delayMs = null) => { this.faults.timeoutNextOrder = { delayMs }; },
      clearFaults: () => {
        this.faults.clear();
        exchange.rejectNext = null;
        for (const f of this.feeds.values()) {
          f.corruptNextChecksum = false;
          f.skipNextSeq = false;
        }
      },
      connectionCount: () => this.ws.connectionCount(),
    };
  }
}

export function createOkxVenue(ctx: SimContext, options?: OkxVenueOptions): OkxVenue {
  return new OkxVenue(ctx, options);
}
