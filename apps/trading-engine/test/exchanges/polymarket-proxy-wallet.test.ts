/**
 * A Polymarket account whose funds sit in a proxy wallet (the usual Polymarket account: a Gnosis Safe or a Polymarket
 * proxy owned by the signing key). The adapter given `funderAddress` signs orders with the funder as maker
 * (signatureType 2), through the real SDK, and the simulator accepts them only for a proxy registered to that key —
 * as the exchange contract accepts only the signer's own proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { getAddress } from 'viem';
import type { RunningSimulator } from '@trading/exchange-sim';
import type { PolymarketAdapter } from '../../src/exchanges/polymarket/adapter.js';
import type { InstrumentId } from '../../src/ports/instruments.js';
import { adapterFor, admin, startPolymarketSim } from './polymarket-helpers.js';

/** Anvil's fourth well-known test key (never funded anywhere real) and its address. */
const KEY_C = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6' as const;
const ADDRESS_C = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const PROXY = getAddress(`0x${'c0ffee'.repeat(6)}c0ff`);
const UNREGISTERED = getAddress(`0x${'bad'.repeat(13)}b`);

describe('Polymarket proxy wallet (funderAddress) against the simulator (real SDK)', () => {
  let sim: RunningSimulator;
  let viaProxy: PolymarketAdapter;
  let viaStranger: PolymarketAdapter;
  let yes: InstrumentId;

  beforeAll(async () => {
    sim = await startPolymarketSim(11);
    const pm = sim.polymarket;
    if (pm === null) throw new Error('no polymarket venue');
    const market = pm.addMarket({ question: 'proxy wallet test market', feeRate: '0.072' });
    yes = `polymarket:${market.yes.tokenId}`;
    await admin(sim, '/proxy', { maker: PROXY, signer: ADDRESS_C });
    await admin(sim, '/fund', { address: PROXY, collateral: '250' });
    await admin(sim, '/fund', { address: UNREGISTERED, collateral: '250' });
    viaProxy = adapterFor(sim, null, { credentials: { polymarket: { privateKey: KEY_C, funderAddress: PROXY } } });
    viaStranger = adapterFor(sim, null, { credentials: { polymarket: { privateKey: KEY_C, funderAddress: UNREGISTERED } } });
    await Promise.all([viaProxy.connect(), viaStranger.connect()]);
  });

  afterAll(async () => {
    await viaProxy.close();
    await viaStranger.close();
    await sim.close();
  });

  it('places from the proxy: the venue order is the proxy\'s, signed by the key; the proxy\'s collateral is what is frozen', async () => {
    const ex = viaProxy.execution;
    if (ex === null) throw new Error('no execution');
    const placed = await ex.createOrder({ clientOrderId: 'px1', instrumentId: yes, side: 'BUY', type: 'LIMIT', price: new Decimal('0.4'), quantity: new Decimal(10) });
    expect(placed.status).toBe('OPEN');
    const order = sim.polymarket?.clob.getOrder(placed.exchangeOrderId ?? '');
    expect(order?.maker.toLowerCase()).toBe(PROXY.toLowerCase());
    const balances = await ex.fetchBalances();
    expect(balances[0]?.total.toString()).toBe('250');
    expect(balances[0]?.frozen.toString()).toBe('4');
    await ex.cancelOrder(yes, 'px1');
  });

  it('a funder that is not the key\'s proxy is refused by the venue, and nothing rests', async () => {
    const ex = viaStranger.execution;
    if (ex === null) throw new Error('no execution');
    await expect(ex.createOrder({ clientOrderId: 'px2', instrumentId: yes, side: 'BUY', type: 'LIMIT', price: new Decimal('0.4'), quantity: new Decimal(10) })).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    expect(sim.polymarket?.clob.openOrders({}).filter((o) => o.maker.toLowerCase() === UNREGISTERED.toLowerCase())).toHaveLength(0);
  });
});
