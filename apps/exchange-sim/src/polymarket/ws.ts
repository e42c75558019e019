/**
 * Market and user WebSocket channels (the CLOB WS protocol, unchanged in V2). Market: `book` snapshots on
 * subscribe (one array), then `price_change` (price_changes format, both tokens of a market), `last_trade_price`,
 * `tick_size_change`, and with custom_feature_enabled `best_bid_ask` and `market_resolved`. User: auth with the
 * API creds, then `order` (PLACEMENT/UPDATE/CANCELLATION) and `trade` (MATCHED → MINED → CONFIRMED | FAILED).
 * Text PING is answered with PONG.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiKeyStore } from './auth.js';
import type { Clob } from './clob.js';
import type { ClobEvent } from './types.js';
import { userOrderEvent, userTradeEvent } from './wire.js';

interface MarketConn {
  ws: WebSocket;
  assets: Set<string>;
  custom: boolean;
}

interface UserConn {
  ws: WebSocket;
  apiKey: string | null;
  markets: Set<string>;
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export class PolymarketWs {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly market = new Set<MarketConn>();
  private readonly user = new Set<UserConn>();

  constructor(
    private readonly clob: Clob,
    private readonly keys: ApiKeyStore,
    private readonly now: () => number,
  ) {
    clob.onEvent((e) => {
      this.onClobEvent(e);
    });
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, channel: 'market' | 'user'): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (channel === 'market') this.acceptMarket(ws);
      else this.acceptUser(ws);
    });
  }

  private send(ws: WebSocket, payload: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
  }

  private acceptMarket(ws: WebSocket): void {
    const conn: MarketConn = { ws, assets: new Set(), custom: false };
    this.market.add(conn);
    ws.on('close', () => this.market.delete(conn));
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      if (text === 'PING') {
        ws.send('PONG');
        return;
      }
      const msg = parse(text);
      if (msg === null) return;
      const assets = stringArray(msg.assets_ids);
      if (msg.operation === 'unsubscribe') {
        for (const a of assets) conn.assets.delete(a);
        return;
      }
      if (msg.custom_feature_enabled === true) conn.custom = true;
      const added = assets.filter((a) => !conn.assets.has(a));
      for (const a of assets) conn.assets.add(a);
      if (msg.initial_dump === false) return;
      const books = added.map((a) => this.clob.summary(a)).filter((b) => b !== undefined).map((b) => ({ event_type: 'book', ...b }));
      if (books.length > 0) this.send(ws, books);
    });
  }

  private acceptUser(ws: WebSocket): void {
    const conn: UserConn = { ws, apiKey: null, markets: new Set() };
    this.user.add(conn);
    ws.on('close', () => this.user.delete(conn));
    ws.on('message', (data) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      if (text === 'PING') {
        ws.send('PONG');
        return;
      }
      const msg = parse(text);
      if (msg === null) return;
      const markets = stringArray(msg.markets);
      if (msg.operation === 'unsubscribe') {
        for (const m of markets) conn.markets.delete(m);
        return;
      }
      if (conn.apiKey === null) {
        const auth = typeof msg.auth === 'object' && msg.auth !== null ? (msg.auth as Record<string, unknown>) : {};
        const creds = this.keys.verifyWs(auth);
        if (creds === null) {
          ws.close(4001, 'Unauthorized');
          return;
        }
        conn.apiKey = creds.apiKey;
      }
      for (const m of markets) conn.markets.add(m);
    });
  }

  private onClobEvent(e: ClobEvent): void {
    const now = this.now();
    switch (e.kind) {
      case 'levels': {
        const hashes = new Map<string, { hash: string; bestBid: string; bestAsk: string }>();
        const info = (tokenId: string) => {
          let h = hashes.get(tokenId);
          if (h === undefined) {
            const s = this.clob.summary(tokenId);
            h = { hash: s?.hash ?? '', bestBid: s?.bids.at(-1)?.price ?? '0', bestAsk: s?.asks.at(-1)?.price ?? '1' };
            hashes.set(tokenId, h);
          }
          return h;
        };
        const entries = e.changes.map((c) => ({
          asset_id: c.tokenId,
          price: c.price.toString(),
          size: c.size.toString(),
          side: c.side,
          hash: info(c.tokenId).hash,
          best_bid: info(c.tokenId).bestBid,
          best_ask: info(c.tokenId).bestAsk,
        }));
        for (const conn of this.market) {
          const mine = entries.filter((x) => conn.assets.has(x.asset_id));
          if (mine.length === 0) continue;
          this.send(conn.ws, { event_type: 'price_change', market: e.market.conditionId, timestamp: String(now), price_changes: mine });
          if (conn.custom) {
            for (const assetId of new Set(mine.map((x) => x.asset_id))) {
              const h = info(assetId);
              this.send(conn.ws, { event_type: 'best_bid_ask', market: e.market.conditionId, asset_id: assetId, best_bid: h.bestBid, best_ask: h.bestAsk, timestamp: String(now) });
            }
          }
        }
        return;
      }
      case 'last-trade':
        for (const conn of this.market) {
          if (!conn.assets.has(e.tokenId)) continue;
          this.send(conn.ws, {
            event_type: 'last_trade_price',
            asset_id: e.tokenId,
            market: e.market.conditionId,
            price: e.price.toString(),
            size: e.size.toString(),
            side: e.side,
            fee_rate_bps: e.feeRateBps,
            timestamp: String(now),
            transaction_hash: e.transactionHash,
          });
        }
        return;
      case 'tick-size':
        for (const conn of this.market) {
          for (const t of [e.market.yes, e.market.no]) {
            if (!conn.assets.has(t.tokenId)) continue;
            this.send(conn.ws, { event_type: 'tick_size_change', asset_id: t.tokenId, market: e.market.conditionId, old_tick_size: e.oldTick, new_tick_size: e.market.tickSize, timestamp: String(now) });
          }
        }
        return;
      case 'resolved': {
        const winner = e.market.winner === 'Yes' ? e.market.yes : e.market.no;
        for (const conn of this.market) {
          if (!conn.custom || !(conn.assets.has(e.market.yes.tokenId) || conn.assets.has(e.market.no.tokenId))) continue;
          this.send(conn.ws, {
            event_type: 'market_resolved',
            market: e.market.conditionId,
            assets_ids: [e.market.yes.tokenId, e.market.no.tokenId],
            winning_asset_id: winner.tokenId,
            winning_outcome: winner.outcome,
            timestamp: String(now),
          });
        }
        return;
      }
      case 'order':
        for (const conn of this.user) {
          if (conn.apiKey !== e.order.owner) continue;
          if (conn.markets.size > 0 && !conn.markets.has(e.order.market.conditionId)) continue;
          this.send(conn.ws, userOrderEvent(e.type, e.order, now));
        }
        return;
      case 'trade': {
        const owners = new Set([e.trade.taker.owner, ...e.trade.makers.map((m) => m.order.owner)]);
        for (const conn of this.user) {
          if (conn.apiKey === null || !owners.has(conn.apiKey)) continue;
          if (conn.markets.size > 0 && !conn.markets.has(e.trade.market.conditionId)) continue;
          this.send(conn.ws, userTradeEvent(e.trade, conn.apiKey, now));
        }
        return;
      }
    }
  }

  /** Fault: drop every connection without a close handshake. */
  dropAll(): number {
    let n = 0;
    for (const c of [...this.market, ...this.user]) {
      c.ws.terminate();
      n++;
    }
    return n;
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }
}
