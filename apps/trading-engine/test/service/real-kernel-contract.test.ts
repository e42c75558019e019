/**
 * RealKernel's EngineKernel contract on the simulator's OKX market data, without Redis: client order ids carry the
 * lease token (base 36) as run nonce, a closed order gate stops every new order before the venue, fail-closed freezes
 * a paper bot (PAUSED, quotes kept) and reconcileAndResume thaws it, an adopted bot can stay PAUSED, and a dropped bot (lost lease) sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '@trading/exchange-sim';
import type { BotSpec, EngineEvent } from '@trading/shared-types';
import { MemoryEventSink } from '../../src/core/bus.js';
import { RealKernel } from '../../src/bridge/kernel-adapter.js';
import { VenueConnections } from '../../src/service/venues.js';
import { waitFor, simulatorEndpoints } from './helpers.js';

let sim: RunningSimulator;
let venues: VenueConnections;
let kernel: RealKernel;
const sink = new MemoryEventSink();
let gateOpen = true;

function spec(botId: string): BotSpec {
  return {
    botId,
    name: botId,
    exchange: 'okx',
    strategy: 'market-making',
    mode: 'paper',
    config: { spreadBps: 10, orderSize: '1' },
    exchangeConfig: { instId: 'BTC-USDT-SWAP' },
    riskLimits: { maxDailyLoss: '100000', maxDrawdown: 90, maxPositionSize: '100' },
  };
}

function events(botId: string): EngineEvent[] {
  return sink.events.filter((event) => event.botId === botId);
}

function orders(botId: string) {
  return events(botId).flatMap((event) => (event.type === 'order-updated' ? [event.payload.order] : []));
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, polymarket: false, okx: { tickMs: 100 } });
  venues = new VenueConnections(
    ['okx'],
    simulatorEndpoints(sim.url, sim.wsUrl),
    () => undefined,
  );
  kernel = new RealKernel({ engineId: 'eng-contract', venues: venues.sources() });
  kernel.setEventSink(sink);
  kernel.setOrderGate({ canSendOrder: () => gateOpen });
  await venues.connect();
}, 30_000);

afterAll(async () => {
  await kernel.close();
  await venues.close();
  await sim.close();
});

describe('RealKernel contract', () => {
  it('uses the lease token as run nonce, stops orders at a closed gate, pauses fail-closed and resumes', async () => {
    await kernel.startBot(spec('c-1'), { fence: 1234 });
    await waitFor('quotes', () => orders('c-1').some((order) => order.status === 'OPEN'), 15_000);
    const nonce = (1234).toString(36);
    for (const order of orders('c-1')) expect(order.clientOrderId.startsWith(`c1${nonce}o`)).toBe(true);

    gateOpen = false;
    const openBefore = new Map(orders('c-1').map((order) => [order.clientOrderId, order.status]));
    await kernel.pauseAllForFailClosed('redis lost');
    expect(kernel.listBots().find((bot) => bot.botId === 'c-1')?.state).toBe('PAUSED');
    // A paper bot is frozen, not cancelled: its quotes stay OPEN in the paper book (a live bot's are cancelled).
    expect(kernel.frozenBots()).toEqual(['c-1']);
    const last = new Map(orders('c-1').map((order) => [order.clientOrderId, order.status]));
    expect(last).toEqual(openBefore);
    expect([...last.values()]).toContain('OPEN');
    await expect(
      kernel.placeOrder('c-1', {
        clientOrderId: 'm1',
        instrumentId: 'okx:BTC-USDT-SWAP',
        side: 'BUY',
        type: 'MARKET',
        quantity: '1',
      }),
    ).rejects.toThrow(/gate closed/);

    // Resumed (thawed) with the gate still closed: the strategy's new quotes are refused at the gate, nothing leaves.
    const before = orders('c-1').length;
    await kernel.reconcileAndResume('c-1', 'test: resume while closed');
    await waitFor(
      'gate rejection',
      () => events('c-1').some((event) => event.type === 'order-rejected' && event.payload.rule === 'gate-closed'),
      10_000,
    );
    expect(orders('c-1').slice(before).some((order) => order.status === 'OPEN')).toBe(false);

    gateOpen = true;
    await kernel.pauseBot('c-1', 'reset');
    await kernel.resumeBot('c-1', 'redis back');
    await waitFor('quotes again', () => orders('c-1').slice(before).some((order) => order.status === 'OPEN'), 15_000);
    await kernel.stopBot('c-1', 'done', false);
    expect(kernel.listBots()).toEqual([]);
  }, 45_000);

  it('adopts a bot paused under a new token, and drops a bot without sending anything', async () => {
    await kernel.adoptBot(spec('c-2'), { fence: 99, resume: false, reason: 'adopted from dead engine' });
    expect(kernel.listBots().find((bot) => bot.botId === 'c-2')).toMatchObject({ state: 'PAUSED', fence: 99 });
    expect(events('c-2').some((event) => event.type === 'bot-log' && event.payload.message.startsWith('reconciled'))).toBe(true);
    await kernel.resumeBot('c-2', 'resume');
    await waitFor('quotes', () => orders('c-2').some((order) => order.status === 'OPEN'), 15_000);
    const count = orders('c-2').length;
    await kernel.abandonBot('c-2', 'lease lost');
    expect(kernel.listBots()).toEqual([]);
    // No cancel went out: the quotes' last reported state is still OPEN (the new owner reconciles them).
    expect(orders('c-2').length).toBe(count);
  }, 45_000);
});
