/**
 * The OKX adapter: instruments, market data and (with credentials) execution behind the engine's ports.
 * Production vs simulator differs only in `endpoints` and `credentials`.
 */
import { pino, type Logger } from 'pino';
import type { ExchangeStatus } from '@trading/shared-types';
import type { ExchangeAdapter, ExchangeAdapterFactory, ExchangeAdapterOptions } from '../../ports/exchange.js';
import type { InstrumentId } from '../../ports/instruments.js';
import { OkxExecution } from './execution.js';
import { OkxInstruments } from './instruments.js';
import { OkxMarketData } from './market-data.js';
import { OkxRest } from './rest.js';
import { OkxStream } from './ws.js';

export interface OkxAdapterOptions extends ExchangeAdapterOptions {
  logger?: Logger;
  /** REST timeout per request (default 10 s); a placement without an answer is reconciled by clOrdId. */
  requestTimeoutMs?: number;
  reconnect?: { baseMs: number; maxMs: number };
  /** Least time between two funding-bill reads triggered by balance pushes (default 60 s; tests shorten it). */
  fundingReadIntervalMs?: number;
}

export class OkxAdapter implements ExchangeAdapter {
  readonly exchange = 'okx' as const;
  readonly instruments: OkxInstruments;
  readonly marketData: OkxMarketData;
  readonly execution: OkxExecution | null;
  readonly rest: OkxRest;
  private readonly stream: OkxStream;
  private readonly statusListeners = new Set<(status: ExchangeStatus, reason: string) => void>();
  private current: ExchangeStatus = 'disconnected';

  constructor(options: OkxAdapterOptions) {
    const logger = (options.logger ?? pino({ level: 'warn' })).child({ exchange: 'okx' });
    const creds = options.credentials?.okx;
    const { endpoints } = options;
    this.rest = new OkxRest({ restUrl: endpoints.restUrl, ...(creds ? { credentials: creds } : {}), timeoutMs: options.requestTimeoutMs ?? 10_000, logger });
    this.stream = new OkxStream({
      urls: {
        public: endpoints.wsPublicUrl,
        private: endpoints.wsPrivateUrl,
        business: endpoints.wsBusinessUrl ?? endpoints.wsPublicUrl.replace(/public$/, 'business'),
      },
      ...(creds ? { credentials: creds } : {}),
      logger,
      ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    });
    this.instruments = new OkxInstruments(this.rest, logger);
    this.marketData = new OkxMarketData(this.stream, this.rest, logger);
    this.execution = creds
      ? new OkxExecution(this.rest, this.stream, this.instruments, logger, {
          ...(options.fundingReadIntervalMs !== undefined ? { fundingReadIntervalMs: options.fundingReadIntervalMs } : {}),
        })
      : null;
    this.stream.onConnectionStatus((up, reason) => { this.setStatus(up ? 'connected' : 'degraded', reason); });
  }

  async connect(): Promise<void> {
    await this.instruments.loadInstruments();
    if (this.execution) await this.execution.start();
    this.setStatus('connected', 'connected');
  }

  async close(): Promise<void> {
    this.execution?.stop();
    this.stream.close();
    this.setStatus('disconnected', 'closed');
    await Promise.resolve();
  }

  status(): ExchangeStatus {
    return this.current;
  }

  onStatus(handler: (status: ExchangeStatus, reason: string) => void): () => void {
    this.statusListeners.add(handler);
    return () => this.statusListeners.delete(handler);
  }

  onBookResync(handler: (instrumentId: InstrumentId) => void): () => void {
    return this.marketData.onResync(handler);
  }

  private setStatus(status: ExchangeStatus, reason: string): void {
    if (status === this.current) return;
    this.current = status;
    for (const l of this.statusListeners) l(status, reason);
  }
}

export const createOkxAdapter: ExchangeAdapterFactory = (options) => new OkxAdapter(options);
