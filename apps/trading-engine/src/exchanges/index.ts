/**
 * Exchange registry: the one place that maps a venue name to its adapter factory (explicit, no folder scanning).
 * Adding a venue = one folder under exchanges/ + one line here + passing the conformance suite (conformance.ts).
 */
import type { Exchange } from '@trading/shared-types';
import type { ExchangeAdapter, ExchangeAdapterFactory, ExchangeAdapterOptions } from '../ports/exchange.js';
import { createOkxAdapter } from './okx/adapter.js';
import { createPolymarketAdapter } from './polymarket/adapter.js';

const factories: Partial<Record<Exchange, ExchangeAdapterFactory>> = {
  okx: createOkxAdapter,
  polymarket: createPolymarketAdapter,
};

export function createExchangeAdapter(exchange: Exchange, options: ExchangeAdapterOptions): ExchangeAdapter {
  const factory = factories[exchange];
  if (!factory) throw new Error(`no adapter registered for exchange ${exchange}`);
  return factory(options);
}

export function registeredExchanges(): Exchange[] {
  return Object.keys(factories) as Exchange[];
}
