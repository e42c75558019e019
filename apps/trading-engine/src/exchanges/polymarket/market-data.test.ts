import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { publicClient } from './client.js';
import type { MarketEvent } from '../../ports/market-data.js';
import { PolymarketMarketData } from './market-data.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';

class MarketDataFeed {
  readonly events: MarketEvent[] = [];
  readonly handler = (e: MarketEvent): void => {
    this.events.push(e);
  };

  async until(check: (events: MarketEvent[]) => boolean, timeoutMs = 3000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!check(this.events)) {
      if (Date.now() > end) throw new Error('timed out waiting for market events');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

describe('PolymarketMarketData on a hostile feed', () => {
  let wss: WebSocketServer | null = null;
  afterEach(() => {
    wss?.close();
  });

  it('logs and drops malformed frames, never throws, and keeps applying valid ones', async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    const server = wss;
    const sockets: WebSocket[] = [];
    server.on('connection', (ws) => {
      sockets.push(ws);
      ws.on('message', (data: Buffer) => {
        if (data.toString('utf8') !== 'PING') {
          ws.send('{not json');
          ws.send(fixture('malformed.json'));
          ws.send(fixture('book.json'));
          ws.send(fixture('price-change.json'));
        }
      });
    });
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const warnings: string[] = [];
    const md = new PolymarketMarketData({
      wsUrl: `ws://127.0.0.1:${String(port)}`,
      client: publicClient('http://127.0.0.1:1'),
      log: { info: () => undefined, error: () => undefined, warn: (_o, msg) => warnings.push(msg ?? '') },
    });
    const feed = new MarketDataFeed();
    md.watch(`polymarket:${TOKEN}`, 'book', feed.handler);
    await md.connect();
    await feed.until((events) => events.length >= 2);
    const book = md.getOrderBook(`polymarket:${TOKEN}`);
    expect(book?.bids[0]?.[0].toString()).toBe('0.47');
    expect(book?.asks[0]?.[0].toString()).toBe('0.505');
    // 1 unparsable frame + 4 invalid events in the array (the tick change in it is valid).
    expect(md.dropped).toBe(5);
    expect(warnings.filter((w) => w.includes('malformed'))).toHaveLength(2);
    md.close();
    for (const s of sockets) s.terminate();
  });
});
