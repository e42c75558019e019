/**
 * OKX V5 WebSocket on the simulator: text ping→pong, `login` (HMAC, 60009/60024/60004), subscribe/unsubscribe acks
 * per arg, private channels only after login (60011), public pushes (books snapshot+updates, books5, bbo-tbt,
 * tickers, trades, funding-rate, mark-price) and private pushes (orders, positions, account). Every path is served
 * (okx-api's `wsUrl` option sends all connections to one URL); the path only names the connection kind.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isRecord } from '../http-util.js';
import { verifyWsLogin } from './auth.js';
import type { OkxExchange } from './exchange.js';
import type { OkxFaults } from '../faults/okx-faults.js';
import type { OkxAccount, OkxOrder, OkxPosition, OkxPublicTrade } from './types.js';
import {
  balanceToOkx,
  fundingToOkx,
  markToOkx,
  orderToOkx,
  positionToOkx,
  tickerToOkx,
  tradeToOkx,
} from './wire.js';
import type { BooksFeed, OkxBooksMessage } from './books-feed.js';

const PUBLIC_CHANNELS = new Set([
  'books',
  'books5',
  'bbo-tbt',
  'tickers',
  'trades',
  'funding-rate',
  'mark-price',
]);
const PRIVATE_CHANNELS = new Set(['orders', 'positions', 'account']);

type Arg = Record<string, string>;

interface Connection {
  ws: WebSocket;
  kind: string;
  connId: string;
  apiKey: string | null;
  /** channel → args subscribed on this connection. */
  subs: Map<string, Arg[]>;
}

export interface OkxWsDeps {
  exchange: OkxExchange;
  faults: OkxFaults;
  feeds: ReadonlyMap<string, BooksFeed>;
  now: () => number;
}

export class OkxWsServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly connections = new Set<Connection>();

  constructor(private readonly deps: OkxWsDeps) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const kind = url.pathname.split('/').filter(Boolean).pop() ?? 'public';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = { ws, kind, connId: randomUUID().slice(0, 8), apiKey: null, subs: new Map() };
      this.connections.add(conn);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) this.onMessage(conn, data.toString('utf8'));
      });
      ws.on('close', () => this.connections.delete(conn));
      ws.on('error', () => this.connections.delete(conn));
    });
  }

  /** Fault: terminates connections (all, or of one kind: public/private/business). */
  dropConnections(kind?: string): number {
    let n = 0;
    for (const conn of this.connections) {
      if (kind !== undefined && conn.kind !== kind) continue;
      conn.ws.terminate();
      this.connections.delete(conn);
      n++;
    }
    return n;
  }

  /** Sends OKX's "service upgrade, reconnect" notice. */
  notice(): void {
    for (const conn of this.connections)
      this.send(conn, {
        event: 'notice',
        code: '64008',
        msg: 'The connection will soon be closed for a service upgrade. Please reconnect.',
        connId: conn.connId,
      });
  }

  connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => {
      this.wss.close(() => {
        resolve();
      });
    });
  }

  private send(conn: Connection, message: unknown): void {
    if (conn.ws.readyState === conn.ws.OPEN)
      conn.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  private error(conn: Connection, code: string, msg: string, id?: unknown): void {
    this.send(conn, {
      ...(typeof id === 'string' ? { id } : {}),
      event: 'error',
      code,
      msg,
      connId: conn.connId,
    });
  }

  private onMessage(conn: Connection, text: string): void {
    if (text === 'ping') {
      this.send(conn, 'pong');
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.error(conn, '60012', `Invalid request: ${text.slice(0, 100)}`);
      return;
    }
    if (!isRecord(msg) || typeof msg.op !== 'string' || !Array.isArray(msg.args)) {
      this.error(conn, '60012', `Invalid request: ${text.slice(0, 100)}`);
      return;
    }
    const args = msg.args.filter(isRecord);
    switch (msg.op) {
      case 'login':
        this.login(conn, args[0] ?? {}, msg.id);
        return;
      case 'subscribe':
      case 'unsubscribe':
        for (const arg of args) this.subscribe(conn, msg.op, arg, msg.id);
        return;
      case 'order':
      case 'batch-orders':
      case 'cancel-order':
      case 'batch-cancel-orders':
      case 'amend-order':
      case 'batch-amend-orders':
        this.tradeOp(conn, msg.op, args, msg.id);
        return;
      default:
        this.error(conn, '60012', `Invalid request: unknown op ${msg.op}`, msg.id);
    }
  }

  /** WS order API: same rules and sCodes as REST; reply {id, op, code, msg, data, inTime, outTime}. */
  private tradeOp(conn: Connection, op: string, args: Record<string, unknown>[], id: unknown): void {
    const inTime = this.deps.now();
    const account = conn.apiKey ? this.deps.exchange.accounts.get(conn.apiKey) : undefined;
    if (!account) {
      this.error(conn, '60011', 'Please log in', id);
      return;
    }
    const { exchange } = this.deps;
    const items = args.map((arg) => {
      if (op === 'order' || op === 'batch-orders') return exchange.placeOrder(account, arg);
      if (op === 'cancel-order' || op === 'batch-cancel-orders') return exchange.cancelOrder(account, arg);
      return exchange.amendOrder(account, arg);
    });
    const failed = items.filter((i) => i.sCode !== '0').length;
    const code = items.length > 0 && failed === items.length ? '1' : failed > 0 ? '2' : '0';
    this.send(conn, {
      ...(typeof id === 'string' ? { id } : {}),
      op,
      code,
      msg: code === '1' ? 'All operations failed' : '',
      data: items,
      inTime: String(inTime * 1000),
      outTime: String(this.deps.now() * 1000),
    });
  }

  private login(conn: Connection, arg: Record<string, unknown>, id: unknown): void {
    const result = verifyWsLogin(this.deps.exchange.keys, arg, this.deps.now());
    if (!result.ok) {
      this.error(conn, result.code, result.msg, id);
      return;
    }
    conn.apiKey = result.apiKey;
    this.send(conn, {
      ...(typeof id === 'string' ? { id } : {}),
      event: 'login',
      code: '0',
      msg: '',
      connId: conn.connId,
    });
  }

  private subscribe(
    conn: Connection,
    op: 'subscribe' | 'unsubscribe',
    raw: Record<string, unknown>,
    id: unknown,
  ): void {
    const arg: Arg = {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') arg[k] = v;
    const channel = arg.channel ?? '';
    const idPart = typeof id === 'string' ? { id } : {};
    if (PRIVATE_CHANNELS.has(channel)) {
      if (!conn.apiKey) {
        this.error(conn, '60011', 'Please log in', id);
        return;
      }
    } else if (PUBLIC_CHANNELS.has(channel)) {
      if (!this.deps.exchange.market(arg.instId ?? '')) {
        {
          this.error(
            conn,
            '60018',
            `Wrong URL or channel:${channel},instId:${arg.instId ?? ''} doesn't exist`,
            id,
          );
          return;
        }
      }
    } else {
      {
        this.error(conn, '60018', `Wrong URL or channel:${channel} doesn't exist`, id);
        return;
      }
    }
    const same = (a: Arg) => a.instId === arg.instId && a.instType === arg.instType && a.ccy === arg.ccy;
    const current = conn.subs.get(channel) ?? [];
    if (op === 'unsubscribe') {
      conn.subs.set(
        channel,
        current.filter((a) => !same(a)),
      );
      this.send(conn, { ...idPart, event: 'unsubscribe', arg, connId: conn.connId });
      return;
    }
    if (!current.some(same)) current.push(arg);
    conn.subs.set(channel, current);
    this.send(conn, { ...idPart, event: 'subscribe', arg, connId: conn.connId });
    this.initialPush(conn, channel, arg);
  }

  private initialPush(conn: Connection, channel: string, arg: Arg): void {
    const { exchange, now } = this.deps;
    const account = conn.apiKey ? exchange.accounts.get(conn.apiKey) : undefined;
    if (channel === 'books') {
      const feed = this.deps.feeds.get(arg.instId ?? '');
      if (!feed) return;
      // Publish pending diffs to existing subscribers first so the snapshot's seqId is consistent for everyone.
      this.flushBooks(feed);
      this.send(conn, feed.snapshot(now()));
    } else if (channel === 'positions' && account) {
      const rows = [...account.positions.values()]
        .filter((p) => !p.pos.isZero() && matchesPrivate(arg, p.def.instType, p.def.instId))
        .map((p) => positionToOkx(exchange, p));
      this.send(conn, { arg, data: rows });
    } else if (channel === 'account' && account) {
      this.send(conn, {
        arg,
        data: [balanceToOkx(exchange, account, now(), arg.ccy ? [arg.ccy] : undefined)],
      });
    }
  }

  private subscribers(channel: string, instId: string): [Connection, Arg][] {
    const out: [Connection, Arg][] = [];
    for (const conn of this.connections) {
      for (const arg of conn.subs.get(channel) ?? []) if (arg.instId === instId) out.push([conn, arg]);
    }
    return out;
  }

  private publicPush(channel: string, instId: string, build: () => unknown[]): void {
    const subs = this.subscribers(channel, instId);
    if (subs.length === 0 || this.deps.faults.isStalled(channel, instId, this.deps.now())) return;
    const data = build();
    for (const [conn, arg] of subs) this.send(conn, { arg, data });
  }

  /** Publishes a books diff (if any) to subscribers. */
  flushBooks(feed: BooksFeed): OkxBooksMessage | null {
    const msg = feed.flush(this.deps.now());
    if (!msg) return null;
    const instId = msg.arg.instId;
    if (this.deps.faults.isStalled('books', instId, this.deps.now())) return msg;
    const text = JSON.stringify(msg);
    for (const [conn] of this.subscribers('books', instId)) this.send(conn, text);
    return msg;
  }

  /** Periodic public pushes: book diffs every tick, derived channels on change or every `slow` ticks. */
  tick(slow: boolean): void {
    const { exchange, now } = this.deps;
    for (const [instId, feed] of this.deps.feeds) {
      const changed = feed.hasPending();
      this.flushBooks(feed);
      const m = exchange.market(instId);
      if (!m) continue;
      const dp = m.def.tickSz.decimalPlaces();
      const level = ([p, s, n]: [{ toFixed(dp?: number): string }, { toFixed(): string }, number]) => [
        p.toFixed(dp),
        s.toFixed(),
        '0',
        String(n),
      ];
      if (changed) {
        const seqId = feed.lastSeqId;
        this.publicPush('books5', instId, () => [
          {
            asks: m.book.depth('sell', 5).map(level),
            bids: m.book.depth('buy', 5).map(level),
            instId,
            ts: String(now()),
            seqId,
          },
        ]);
        this.publicPush('bbo-tbt', instId, () => [
          {
            asks: m.book.depth('sell', 1).map(level),
            bids: m.book.depth('buy', 1).map(level),
            ts: String(now()),
            seqId,
          },
        ]);
        this.publicPush('tickers', instId, () => [tickerToOkx(m, now())]);
      }
      if (slow) {
        this.publicPush('mark-price', instId, () => [markToOkx(m, now())]);
        if (m.def.instType === 'SWAP')
          this.publicPush('funding-rate', instId, () => [fundingToOkx(m, now())]);
      }
    }
  }

  onTrade(trade: OkxPublicTrade): void {
    const m = this.deps.exchange.market(trade.instId);
    if (!m) return;
    this.publicPush('trades', trade.instId, () => [tradeToOkx(trade, m.def.tickSz.decimalPlaces())]);
  }

  private privatePush(
    apiKey: string,
    channel: string,
    instType: string,
    instId: string,
    data: () => unknown[],
  ): void {
    if (this.deps.faults.isStalled(channel, undefined, this.deps.now())) return;
    let built: unknown[] | null = null;
    for (const conn of this.connections) {
      if (conn.apiKey !== apiKey) continue;
      for (const arg of conn.subs.get(channel) ?? []) {
        if (!matchesPrivate(arg, instType, instId)) continue;
        built ??= data();
        this.send(conn, { arg: { ...arg, uid: apiKey.slice(0, 16) }, data: built });
      }
    }
  }

  onOrder(apiKey: string, order: OkxOrder): void {
    this.privatePush(apiKey, 'orders', order.def.instType, order.def.instId, () => [orderToOkx(order)]);
  }

  onPosition(apiKey: string, position: OkxPosition): void {
    this.privatePush(apiKey, 'positions', position.def.instType, position.def.instId, () => [
      positionToOkx(this.deps.exchange, position),
    ]);
  }

  onBalance(account: OkxAccount, ccys: string[]): void {
    if (this.deps.faults.isStalled('account', undefined, this.deps.now())) return;
    for (const conn of this.connections) {
      if (conn.apiKey !== account.key.apiKey) continue;
      for (const arg of conn.subs.get('account') ?? []) {
        if (arg.ccy && !ccys.includes(arg.ccy)) continue;
        this.send(conn, {
          arg: { ...arg, uid: account.key.apiKey.slice(0, 16) },
          data: [balanceToOkx(this.deps.exchange, account, this.deps.now(), arg.ccy ? [arg.ccy] : ccys)],
        });
      }
    }
  }
}

function matchesPrivate(arg: Arg, instType: string, instId: string): boolean {
  if (arg.instId && arg.instId !== instId) return false;
  if (arg.instType && arg.instType !== 'ANY' && arg.instType !== instType) return false;
  return true;
}
