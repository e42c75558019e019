import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunningSimulator } from '@trading/exchange-sim';
import { exchangeConformanceCases } from '../../src/exchanges/conformance.js';
import { createExchangeAdapter } from '../../src/exchanges/index.js';
import type { ExchangeAdapter } from '../../src/ports/exchange.js';
import { pino } from 'pino';
import type { OkxAdapterOptions } from '../../src/exchanges/okx/adapter.js';
import { startOkxSim } from './okx-helpers.js';

let sim: RunningSimulator;
let adapter: ExchangeAdapter;
let n = 0;

beforeAll(async () => {
  sim = await startOkxSim(23);
  // Through the registry, as the engine does. OKX-specific extras (short timeout, silent logger) ride along.
  const options: OkxAdapterOptions = {
    endpoints: { restUrl: sim.url, wsPublicUrl: `${sim.wsUrl}/ws/v5/public`, wsPrivateUrl: `${sim.wsUrl}/ws/v5/private` },
    credentials: { okx: { ...sim.okx.defaultKey } },
    requestTimeoutMs: 500,
    logger: pino({ level: 'silent' }),
  };
  adapter = createExchangeAdapter('okx', options);
  await adapter.connect();
});
afterAll(async () => {
  await adapter.close();
  await sim.close();
});

describe('OKX adapter conformance', () => {
  const cases = exchangeConformanceCases({
    adapter: () => adapter,
    instrumentId: 'okx:BTC-USDT-SWAP',
    quantity: new Decimal('0.05'),
    restingBuyPrice: () => new Decimal(sim.okx.mid('BTC-USDT-SWAP') ?? '1').mul('0.9').toDecimalPlaces(1),
    clientOrderId: (tag) => `c${tag}${String(++n)}`.slice(0, 32),
    formatPrice: (p) => p.toFixed(1),
    simulator: {
      book: () => {
        const b = sim.okx.book('BTC-USDT-SWAP', 20);
        return { bids: b.bids, asks: b.asks };
      },
      ordersWithClientId: (id) => sim.okx.account().orders.filter((o) => o.clOrdId === id).length,
      dropConnections: () => { sim.okx.dropConnections(); },
      timeoutNextOrder: () => { sim.okx.timeoutNextOrder(null); },
      rejectNextOrder: () => { sim.okx.rejectNextOrder('51008'); },
      pause: () => { sim.okx.pause(); },
      resume: () => { sim.okx.resume(); },
    },
  });
  for (const c of cases) it(c.name, c.run, 20_000);
});
