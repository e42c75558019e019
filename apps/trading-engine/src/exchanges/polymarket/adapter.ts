/**
 * The Polymarket adapter: instruments, market data (market channel) and, with a private key, execution
 * (ClobClient V2 + user channel) behind the engine's ports. Production vs simulator differs only in
 * `endpoints` (CLOB host, market/user WS URLs) and `credentials`.
 *   production: restUrl https://clob.polymarket.com, wsPublicUrl wss://ws-subscriptions-clob.polymarket.com/ws/market,
 *               wsPrivateUrl wss://ws-subscriptions-clob.polymarket.com/ws/user
 */
import type { ExchangeStatus } from '@trading/shared-types';
import type { ExchangeAdapter, ExchangeAdapterFactory, ExchangeAdapterOptions } from '../../ports/exchange.js';
import type { InstrumentId } from '../../ports/instruments.js';
import { orderSigner, POLYGON_CHAIN_ID, publicClient, resolveCreds, tradingClient, walletFromKey } from './client.js';
import { PolymarketExecution } from './execution.js';
import { PolymarketInstruments } from './instruments.js';
import { defaultLogger, type AdapterLogger } from './logger.js';
import { PolymarketMarketData } from './market-data.js';
import { InMemoryOrderIdStore, type OrderIdStore } from './order-id-store.js';
import { RateLimiter } from './rate-limiter.js';

export const POLYMARKET_PRODUCTION = {
  restUrl: 'https://clob.polymarket.com',
  wsPublicUrl: 'wss://ws-subscriptions-clob.polymarket.com/ws/market',
  wsPrivateUrl: 'wss://ws-subscriptions-clob.polymarket.com/ws/user',
} as const;

export interface PolymarketAdapterOptions extends ExchangeAdapterOptions {
  logger?: AdapterLogger;
  /** Durable client-id → order-hash map (use FileOrderIdStore, or a shared store, in production). */
  orderIdStore?: OrderIdStore;
  requestTimeoutMs?: number;
  /** Minimum reconnect backoff (jittered, doubling up to 10 s). */
  minBackoffMs?: number;
}

export class PolymarketAdapter implements ExchangeAdapter {
  readonly exchange = 'polymarket' as const;
  readonly instruments: PolymarketInstruments;
  readonly marketData: PolymarketMarketData;
  readonly execution: PolymarketExecution | null;
  private readonly listeners = new Set<(status: ExchangeStatus, reason: string) => void>();
  private current: ExchangeStatus = 'disconnected';
  private readonly sockets = new Map<string, boolean>();

  constructor(private readonly options: PolymarketAdapterOptions) {
    const log = options.logger ?? defaultLogger();
    const host = options.endpoints.restUrl;
    const pub = publicClient(host);
    this.instruments = new PolymarketInstruments(pub, log);
    this.marketData = new PolymarketMarketData({
      wsUrl: options.endpoints.wsPublicUrl,
      client: pub,
      log,
      onState: (s, reason) => {
        this.onSocket('market', s, reason);
      },
      onTickSize: (id, tick) => {
        this.instruments.updateTickSize(id, tick);
        this.execution?.onTickSize(id.slice('polymarket:'.length), tick);
      },
      ...(options.minBackoffMs !== undefined ? { minBackoffMs: options.minBackoffMs } : {}),
    });
    const creds = options.credentials?.polymarket;
    this.execution =
      creds === undefined
        ? null
        : new PolymarketExecution({
            chainId: POLYGON_CHAIN_ID,
            instruments: this.instruments,
            store: options.orderIdStore ?? new InMemoryOrderIdStore(),
            limiter: new RateLimiter(),
            wsUserUrl: options.endpoints.wsPrivateUrl,
            log,
            ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
            ...(options.minBackoffMs !== undefined ? { minBackoffMs: options.minBackoffMs } : {}),
            onState: (s, reason) => {
              this.onSocket('user', s, reason);
            },
          });
  }

  async connect(): Promise<void> {
    await this.instruments.loadInstruments();
    await this.marketData.connect();
    const creds = this.options.credentials?.polymarket;
    if (this.execution !== null && creds !== undefined) {
      const host = this.options.endpoints.restUrl;
      const wallet = walletFromKey(creds.privateKey);
      const apiCreds = await resolveCreds(host, wallet, {
        ...(creds.apiKey !== undefined ? { key: creds.apiKey } : {}),
        ...(creds.secret !== undefined ? { secret: creds.secret } : {}),
        ...(creds.passphrase !== undefined ? { passphrase: creds.passphrase } : {}),
      });
      await this.execution.connect(tradingClient(host, wallet, apiCreds, creds.funderAddress), apiCreds, orderSigner(creds.privateKey, creds.funderAddress));
    }
    this.setStatus('connected', 'connected');
  }

  close(): Promise<void> {
    this.marketData.close();
    this.execution?.close();
    this.setStatus('disconnected', 'closed');
    return Promise.resolve();
  }

  status(): ExchangeStatus {
    return this.current;
  }

  onStatus(handler: (status: ExchangeStatus, reason: string) => void): () => void {
    this.listeners.add(handler);
    return () => this.listeners.delete(handler);
  }

  onBookResync(handler: (instrumentId: InstrumentId) => void): () => void {
    return this.marketData.onResync(handler);
  }

  private onSocket(name: string, state: 'open' | 'reconnecting' | 'closed', reason: string): void {
    if (state === 'closed') return;
    this.sockets.set(name, state === 'open');
    if (this.current === 'disconnected' && state === 'open') return; // connect() announces the first "connected"
    const allUp = [...this.sockets.values()].every(Boolean);
    this.setStatus(allUp ? 'connected' : 'degraded', `${name} ${reason}`);
  }

  private setStatus(status: ExchangeStatus, reason: string): void {
    if (status === this.current) return;
    this.current = status;
    for (const l of this.listeners) l(status, reason);
  }
}

export const createPolymarketAdapter: ExchangeAdapterFactory = (options) => new PolymarketAdapter(options);
