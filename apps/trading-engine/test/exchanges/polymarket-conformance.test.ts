/** The shared exchange-adapter contract suite, run for Polymarket through the registry against the simulator. */
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { RunningSimulator } from '@trading/exchange-sim';
import { exchangeConformanceCases } from '../../src/exchanges/conformance.js';
import { createExchangeAdapter } from '../../src/exchanges/index.js';
import type { PolymarketAdapterOptions } from '../../src/exchanges/polymarket/adapter.js';
import { InMemoryOrderIdStore } from '../../src/exchanges/polymarket/order-id-store.js';
import type { ExchangeAdapter } from '../../src/ports/exchange.js';
import type { InstrumentId } from '../../src/ports/instruments.js';
import { ADDRESS_A, KEY_A, admin, captureLog, endpoints, startPolymarketSim } from './polymarket-helpers.js';

let sim: RunningSimulator;
let adapter: ExchangeAdapter;
let instrumentId: InstrumentId = 'polymarket:0';
let tokenId = '';
let n = 0;
let priceStep = 0;
const store = new InMemoryOrderIdStore();

beforeAll(async () => {
  sim = await startPolymarketSim(29);
  const market = sim.polymarket?.addMarket({ question: 'conformance market', fair: '0.5' });
  if (market === undefined) throw new Error('no polymarket venue');
  tokenId = market.yes.tokenId;
  instrumentId = `polymarket:${tokenId}`;
  // The background maker quotes a new market on its next refresh tick; the book cases need those quotes.
  for (let waited = 0; waited < 10_000; waited += 50) {
    const levels = sim.polymarket?.clob.levels(tokenId);
    if (levels !== undefined && (levels.bids.length > 0 || levels.asks.length > 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const options: PolymarketAdapterOptions = {
    endpoints: endpoints(sim),
    credentials: { polymarket: { privateKey: KEY_A } },
    orderIdStore: store,
    requestTimeoutMs: 500,
    minBackoffMs: 50,
    logger: captureLog(),
  };
  adapter = createExchangeAdapter('polymarket', options);
  await adapter.connect();
});
afterAll(async () => {
  await adapter.close();
  await sim.close();
});

describe('Polymarket adapter conformance', () => {
  const cases = exchangeConformanceCases({
    adapter: () => adapter,
    get instrumentId() {
      return instrumentId;
    },
    quantity: new Decimal(10),
    // The test market's book is static (fixed fair value), so "updates continue" can only time out: keep that short.
    timeoutMs: 3000,
    // A fresh price per order (all far below the background bid at 0.49), so duplicates are countable by price.
    restingBuyPrice: () => new Decimal('0.10').plus(new Decimal('0.01').times(priceStep++ % 30)),
    clientOrderId: (tag) => `c${tag}${String(++n)}`.slice(0, 32),
    simulator: {
      book: () => {
        const l = sim.polymarket?.clob.levels(tokenId) ?? { bids: [], asks: [] };
        return { bids: l.bids.map(([p, s]) => [p.toFixed(), s.toFixed()]), asks: l.asks.map(([p, s]) => [p.toFixed(), s.toFixed()]) };
      },
      // Polymarket has no client id: the venue's orders with this maker, token and the record's price are the candidates.
      ordersWithClientId: async (id) => {
        const record = await store.get(id);
        if (record === undefined) return 0;
        return (sim.polymarket?.clob.allOrders() ?? []).filter((o) => o.maker === ADDRESS_A && o.token.tokenId === record.tokenId && o.price.eq(record.price)).length;
      },
      dropConnections: async () => {
        await admin(sim, '/drop-ws');
      },
      timeoutNextOrder: async () => {
        await admin(sim, '/timeout-next-order', { holdMs: 1000 });
      },
      rejectNextOrder: async () => {
        await admin(sim, '/reject-next-order', { status: 400, error: 'INVALID_ORDER_ERROR: order rejected by the venue' });
      },
    },
  });
  for (const c of cases) it(c.name, c.run, 20_000);
});
