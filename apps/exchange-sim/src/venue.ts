/**
 * The contract between the simulator's server and each simulated venue (okx/, polymarket/): the server owns the
 * single HTTP port and routes by path prefix; a venue owns its REST routes, WebSocket endpoints, matching and
 * accounts. Path layout on the one port:
 *   OKX        REST  /api/v5/...            WS  /ws/v5/public | /ws/v5/private | /ws/v5/business
 *   Polymarket REST  /polymarket/...        WS  /polymarket/ws/market | /polymarket/ws/user
 *   admin (faults)   /admin/<venue>/...     health  /health
 * (the Polymarket SDK is given host http://127.0.0.1:<port>/polymarket; it signs paths without that prefix, so the
 * server strips the prefix before handing the request over).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Decimal } from 'decimal.js';

export interface SimContext {
  /** Seed of every pseudo-random choice, so a run can be replayed exactly. */
  readonly seed: number;
  /** Simulator time, epoch ms (wall clock unless the simulator runs on a simulated clock). */
  now(): number;
  /** Mid price of an OKX instrument (e.g. BTC-USDT-SWAP), for Polymarket markets priced from it. */
  referencePrice(okxInstId: string): Decimal | undefined;
}

export interface VenueRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path with the venue prefix removed (`/order`, `/api/v5/trade/order`), and the query. */
  url: URL;
  /** The raw body exactly as received (needed to verify HMAC signatures). */
  rawBody: string;
}

export interface SimVenue {
  readonly name: 'okx' | 'polymarket';
  /** Returns false when the path is not this venue's. */
  handleHttp(request: VenueRequest): Promise<boolean>;
  /** Takes over a WebSocket upgrade; returns false when the path is not this venue's. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  /** Admin/fault API under /admin/<venue>/...; returns false when unknown. */
  handleAdmin(request: VenueRequest): Promise<boolean>;
  /** Starts market-data generation / replay timers. */
  start(): void;
  close(): Promise<void>;
}
