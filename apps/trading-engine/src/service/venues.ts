/**
 * The venue connections of the engine service: one exchange adapter per supported exchange, built from the
 * endpoint env vars, without credentials (paper bots need only instruments and market data). Connecting happens at
 * engine start; a venue that cannot be reached does not stop the engine: it is reported `disconnected` and retried
 * with a capped backoff until it answers (bots on it are refused meanwhile: their instruments are unknown).
 */
import type { Exchange, ExchangeStatus } from '@trading/shared-types';
import { createExchangeAdapter } from '../exchanges/index.js';
import type { VenueSources } from '../kernel.js';
import type { OrderIdStore } from '../exchanges/polymarket/order-id-store.js';
import type {
  ExchangeAdapter,
  ExchangeAdapterOptions,
  ExchangeCredentials,
  ExchangeEndpoints,
} from '../ports/exchange.js';
import type { InstrumentId } from '../ports/instruments.js';
import type { EngineConfig } from './config.js';

export type StatusListener = (exchange: Exchange, status: ExchangeStatus, reason: string) => void;

export function venueEndpoints(exchange: Exchange, endpoints: EngineConfig['endpoints']): ExchangeEndpoints {
  if (exchange === 'okx') {
    return {
      restUrl: endpoints.okxRestUrl,
      wsPublicUrl: endpoints.okxWsPublicUrl,
      wsPrivateUrl: endpoints.okxWsPrivateUrl,
      wsBusinessUrl: endpoints.okxWsBusinessUrl,
    };
  }
  const ws = endpoints.polymarketWsUrl.replace(/\/+$/, '');
  return { restUrl: endpoints.polymarketClobUrl, wsPublicUrl: `${ws}/market`, wsPrivateUrl: `${ws}/user` };
}

export class VenueConnections {
  readonly adapters = new Map<Exchange, ExchangeAdapter>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    exchanges: readonly Exchange[],
    private readonly endpoints: EngineConfig['endpoints'],
    private readonly onStatus: StatusListener,
    private readonly retry = { baseMs: 500, maxMs: 15_000 },
    private readonly live: { okxFundingReadMs?: number } = {},
  ) {
    for (const exchange of exchanges) {
      const adapter = createExchangeAdapter(exchange, { endpoints: venueEndpoints(exchange, endpoints) });
      adapter.onStatus((status, reason) => {
        this.onStatus(exchange, status, reason);
      });
      this.adapters.set(exchange, adapter);
    }
  }

  /** The kernel's venue sources (market data + instruments; no live execution without credentials). */
  sources(): Partial<Record<Exchange, VenueSources>> {
    const sources: Partial<Record<Exchange, VenueSources>> = {};
    for (const [exchange, adapter] of this.adapters) {
      sources[exchange] = { instruments: adapter.instruments, marketData: adapter.marketData, execution: null };
    }
    return sources;
  }

  /**
   * A new adapter of `exchange` on the same endpoints with one live bot's credentials (LiveAccounts connects it).
   * `orderIdStore`: the Polymarket client-id ↔ order-hash map (shared through Redis so an adopter knows the orders).
   */
  liveAdapter(exchange: Exchange, credentials: ExchangeCredentials, orderIdStore?: OrderIdStore): ExchangeAdapter {
    const options: ExchangeAdapterOptions & { orderIdStore?: OrderIdStore; fundingReadIntervalMs?: number } = {
      endpoints: venueEndpoints(exchange, this.endpoints),
      credentials,
    };
    if (orderIdStore && exchange === 'polymarket') options.orderIdStore = orderIdStore;
    if (exchange === 'okx' && this.live.okxFundingReadMs !== undefined) options.fundingReadIntervalMs = this.live.okxFundingReadMs;
    return createExchangeAdapter(exchange, options);
  }

  /** Books rebuilt after a sequence gap, checksum failure or reconnect, on every shared venue (metrics). */
  onBookResync(listener: (exchange: Exchange, instrumentId: InstrumentId) => void): void {
    for (const [exchange, adapter] of this.adapters) {
      adapter.onBookResync((instrumentId) => {
        listener(exchange, instrumentId);
      });
    }
  }

  /** First connection attempt of every venue (failures are reported and retried in the background). */
  async connect(): Promise<void> {
    await Promise.all([...this.adapters.keys()].map((exchange) => this.attempt(exchange, 0)));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all([...this.adapters.values()].map((adapter) => adapter.close().catch(() => undefined)));
  }

  /** Current status of every venue (reported again once the event sink is live). */
  statuses(): [Exchange, ExchangeStatus][] {
    return [...this.adapters].map(([exchange, adapter]) => [exchange, adapter.status()]);
  }

  private isClosed(): boolean {
    return this.closed;
  }

  private async attempt(exchange: Exchange, failures: number): Promise<void> {
    const adapter = this.adapters.get(exchange);
    if (!adapter || this.closed) return;
    try {
      await adapter.connect();
    } catch (error) {
      if (this.isClosed()) return;
      this.onStatus(
        exchange,
        'disconnected',
        `connect failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      const delay = Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** Math.min(failures, 10));
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt(exchange, failures + 1);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
  }
}
