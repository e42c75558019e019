/** One venue behind one interface: instruments, market data, execution, lifecycle. */
import type { Exchange, ExchangeStatus } from '@trading/shared-types';
import type { InstrumentId, InstrumentsPort } from './instruments.js';
import type { MarketDataPort } from './market-data.js';
import type { ExecutionPort } from './execution.js';

export interface ExchangeCredentials {
  okx?: { apiKey: string; secret: string; passphrase: string };
  polymarket?: { privateKey: `0x${string}`; funderAddress?: string; apiKey?: string; secret?: string; passphrase?: string };
}

export interface ExchangeEndpoints {
  /** OKX: REST base URL; Polymarket: CLOB host. */
  restUrl: string;
  /** OKX: public/private/business WS URLs; Polymarket: market/user WS base. */
  wsPublicUrl: string;
  wsPrivateUrl: string;
  wsBusinessUrl?: string;
}

export interface ExchangeAdapter {
  readonly exchange: Exchange;
  readonly instruments: InstrumentsPort;
  readonly marketData: MarketDataPort;
  /** Present only when credentials were given (live trading). */
  readonly execution: ExecutionPort | null;
  connect(): Promise<void>;
  close(): Promise<void>;
  status(): ExchangeStatus;
  onStatus(handler: (status: ExchangeStatus, reason: string) => void): () => void;
  /** Called once per order book rebuilt from a fresh snapshot after a sequence gap, checksum failure or reconnect. */
  onBookResync(handler: (instrumentId: InstrumentId) => void): () => void;
}

export interface ExchangeAdapterOptions {
  endpoints: ExchangeEndpoints;
  credentials?: ExchangeCredentials;
}

export type ExchangeAdapterFactory = (options: ExchangeAdapterOptions) => ExchangeAdapter;
