/**
 * Funding settlements of a live OKX account: OKX pushes only the new balance, so the adapter reads the account's
 * funding bills (GET /api/v5/account/bills, type 8) after balance pushes, at start and after a reconnect, and reports
 * each bill once with its amount. Real okx-api SDK against the in-process simulator.
 */
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '@trading/exchange-sim';
import type { OkxAdapter } from '../../src/exchanges/okx/adapter.js';
import type { ExecutionEvent, FundingReport } from '../../src/ports/execution.js';
import { okxAdapterFor, startOkxSim, waitFor } from './okx-helpers.js';

const SWAP = 'okx:BTC-USDT-SWAP' as const;
const INST = 'BTC-USDT-SWAP';
let sim: RunningSimulator;
let adapter: OkxAdapter;
const events: ExecutionEvent[] = [];

beforeAll(async () => {
  sim = await startOkxSim(31);
  adapter = okxAdapterFor(sim, { fundingReadIntervalMs: 100 });
  await adapter.connect();
  adapter.execution?.onExecution((e) => events.push(e));
});
afterAll(async () => {
  await adapter.close();
  await sim.close();
});

const fundings = (): FundingReport[] => events.flatMap((e) => (e.type === 'funding' ? [e.funding] : []));

interface VenueBill { billId: string; balChg: string; sz: string; px: string; ts: string; subType: string }
async function venueBills(): Promise<VenueBill[]> {
  const rows: unknown[] = await adapter.rest.call('account/bills', (c) => c.getBills({ type: '8' }));
  return rows as VenueBill[];
}

describe('OKX funding settlements of a live account', () => {
  it('reports each settlement once with the bill amount, and nothing again after a resync', async () => {
    const execution = adapter.execution;
    if (!execution) throw new Error('no execution');
    // A long of 3 contracts, then a settlement at a positive rate: the long pays.
    await execution.createOrder({ clientOrderId: 'fund1', instrumentId: SWAP, side: 'BUY', type: 'MARKET', quantity: new Decimal(3) });
    await waitFor(() => sim.okx.account().positions.some((p) => p.instId === INST && p.pos === '3'), 5000, 'the position');
    const cashBefore = new Decimal(sim.okx.account().balances.USDT?.cash ?? '0');
    sim.okx.settleFunding(INST, '0.0005');
    const first = await waitFor(() => fundings()[0], 5000, 'the funding report');
    const [bill] = await venueBills();
    if (!bill) throw new Error('the venue booked no funding bill');
    const cashAfter = new Decimal(sim.okx.account().balances.USDT?.cash ?? '0');
    expect(first.amount.toFixed()).toBe(bill.balChg);
    expect(first.amount.toFixed()).toBe(cashAfter.sub(cashBefore).toFixed());
    expect(first.amount.isNegative()).toBe(true);
    expect(bill.subType).toBe('173'); // funding fee expense
    expect(first.fundingId).toBe(`okx-bill-${bill.billId}`);
    expect(first.positionQuantity.toFixed()).toBe('3');
    expect(first.rate.toFixed()).toBe('0.0005');
    expect(first.currency).toBe('USDT');
    expect(first.timestamp).toBe(Number(bill.ts));

    // A reconnect's resync and later balance pushes read the bills again: nothing is reported twice.
    await execution.resyncPrivate();
    sim.okx.addLiquidity(INST, 'buy', undefined, '1'); // a balance push without funding
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(fundings()).toHaveLength(1);

    // The next settlement (a negative rate: the long receives) is the only new report.
    sim.okx.settleFunding(INST, '-0.0002');
    await waitFor(() => fundings().length >= 2, 5000, 'the second funding report');
    const bills = await venueBills();
    expect(bills.map((b) => b.subType)).toEqual(['174', '173']);
    expect(fundings().map((f) => f.amount.toFixed())).toEqual([bills[1]?.balChg, bills[0]?.balChg]);
    expect(fundings()[1]?.amount.isPositive()).toBe(true);
  });

  it('an adapter that starts later reports the account’s recent settlements (the engine books each once)', async () => {
    const late = okxAdapterFor(sim, { fundingReadIntervalMs: 100 });
    const seen: FundingReport[] = [];
    late.execution?.onExecution((e) => {
      if (e.type === 'funding') seen.push(e.funding);
    });
    try {
      await late.connect();
      await waitFor(() => seen.length >= 2, 5000, 'the settlements read at start');
      expect(seen.map((f) => f.fundingId)).toEqual(fundings().map((f) => f.fundingId));
    } finally {
      await late.close();
    }
  });
});
