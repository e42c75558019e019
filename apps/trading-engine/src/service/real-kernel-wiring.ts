/**
 * The real kernel as the service runs it: venue connections (market data + instruments), one credentialed account
 * per live bot (opened with the engine's key ring), and the kernel's metrics (rejections by rule, tick-to-order
 * latency, book resyncs by exchange). main.ts and the service tests build it the same way.
 */
import type { Exchange, ExchangeStatus } from '@trading/shared-types';
import { RealKernel, type RealKernelOptions } from '../bridge/kernel-adapter.js';
import { LiveAccounts } from '../bridge/live-accounts.js';
import type { OrderIdStore } from '../exchanges/polymarket/order-id-store.js';
import type { EngineConfig } from './config.js';
import type { EngineMetrics } from './metrics.js';
import { VenueConnections } from './venues.js';

export interface RealKernelWiring {
  engineId: string;
  supportedExchanges: readonly Exchange[];
  endpoints: EngineConfig['endpoints'];
  /** EngineConfig.okxFundingReadMs (default 60 s). */
  okxFundingReadMs?: number;
  /** ENCRYPTION_KEY + ENCRYPTION_KEYS_PREVIOUS (config.encryptionKeys). */
  encryptionKeys: readonly string[];
  metrics: EngineMetrics;
  onStatus?: (exchange: Exchange, status: ExchangeStatus, reason: string) => void;
  retry?: { baseMs: number; maxMs: number };
  /** The Polymarket order-id map of a live bot (main.ts: RedisOrderIdStore; default: in memory, per adapter). */
  orderIdStore?: (botId: string) => OrderIdStore;
  kernel?: Partial<Pick<RealKernelOptions, 'paper' | 'timerIntervalMs' | 'clock' | 'strategies'>>;
}

export interface WiredKernel {
  kernel: RealKernel;
  venues: VenueConnections;
  liveAccounts: LiveAccounts;
}

/** Builds the venues and the kernel (not connected yet: call `venues.connect()`). */
export function wireRealKernel(options: RealKernelWiring): WiredKernel {
  const { metrics } = options;
  let kernel: RealKernel | null = null;
  const venues = new VenueConnections(
    options.supportedExchanges,
    options.endpoints,
    (exchange, status, reason) => {
      options.onStatus?.(exchange, status, reason);
      kernel?.reportExchangeStatus(exchange, status, reason);
    },
    options.retry,
    options.okxFundingReadMs !== undefined ? { okxFundingReadMs: options.okxFundingReadMs } : {},
  );
  venues.onBookResync((exchange) => {
    metrics.bookResyncs.inc({ exchange });
  });
  const liveAccounts = new LiveAccounts(options.encryptionKeys, (exchange, credentials, spec) =>
    venues.liveAdapter(exchange, credentials, options.orderIdStore?.(spec.botId)),
  );
  kernel = new RealKernel({
    ...options.kernel,
    engineId: options.engineId,
    venues: venues.sources(),
    liveAccounts,
    observe: (event) => {
      if (event.type === 'order-rejected') metrics.rejections.inc({ rule: event.payload.rule });
    },
    observeTickToOrder: (seconds) => {
      metrics.tickToOrder.observe(seconds);
    },
  });
  return { kernel, venues, liveAccounts };
}
