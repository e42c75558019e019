/**
 * Bot checkpoints (finding 10 of docs/reliability.md): the owner keeps each bot's books in Redis under its lease's
 * fencing token, and an adopter continues them instead of starting from zero. Against the real Redis and the
 * simulator (OKX):
 * - the store writes only while `<engine>|<fence>` holds the lease, empties the fill set on a fresh start, prunes old
 *   fill ids, and refuses a malformed stored checkpoint with the field at fault;
 * - a paper bot adopted by a second kernel has the dead owner's position, average entry, realized PnL, fees, trade
 *   count and paper cash, and reports that position at once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '@trading/exchange-sim';
import type { BotCheckpoint, BotSpec, EngineEvent } from '@trading/shared-types';
import { RealKernel } from '../../src/bridge/kernel-adapter.js';
import { RedisCheckpointStore } from '../../src/bridge/checkpoint-store.js';
import { KeySpace } from '../../src/bridge/redis-connection.js';
import { VenueConnections } from '../../src/service/venues.js';
import { REDIS_URL, randomPrefix, waitFor, simulatorEndpoints } from './helpers.js';

const prefix = randomPrefix();
const keys = new KeySpace(prefix);
let sim: RunningSimulator;
let redis: Redis;

const leaseKey = (botId: string) => keys.key(`te:lease:bot:${botId}`);

const endpoints = () => simulatorEndpoints(sim.url, sim.wsUrl);

function checkpoint(botId: string, engineId: string, fence: number): BotCheckpoint {
  return {
    version: 1,
    botId,
    engineId,
    fence,
    savedAt: 1,
    runPrefixes: ['ckbot5o'],
    ledger: {
      currency: 'USDT',
      startingEquity: '10000',
      realizedPnl: '1.5',
      fees: '0.2',
      funding: '0',
      volume: '300',
      tradeCount: 3,
      peakEquity: '10001.3',
      day: 20_000,
      dayStartTotal: '0',
      holdings: [],
    },
  };
}

async function startKernel(engineId: string, events: EngineEvent[]): Promise<{ kernel: RealKernel; venues: VenueConnections }> {
  const venues = new VenueConnections(['okx'], endpoints(), () => undefined, { baseMs: 200, maxMs: 1000 });
  const kernel = new RealKernel({ engineId, venues: venues.sources() });
  kernel.setEventSink({ publish: (event) => events.push(event) });
  kernel.attachCheckpoints(redis, keys, engineId);
  await venues.connect();
  return { kernel, venues };
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, polymarket: false, okx: { tickMs: 100 } });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}, 30_000);

afterAll(async () => {
  await sim.close();
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

describe('bot checkpoint store', () => {
  it('writes only under the current lease, resets the fill set on a fresh start and prunes old fill ids', async () => {
    let now = 1_000_000;
    const store = new RedisCheckpointStore(redis, keys, { leaseHolder: 'eng-a', fillRetentionMs: 10_000, now: () => now });
    const storeB = new RedisCheckpointStore(redis, keys, { leaseHolder: 'eng-b', fillRetentionMs: 10_000, now: () => now });
    await redis.set(leaseKey('ck-store'), 'eng-a|3');
    expect(await store.save(checkpoint('ck-store', 'eng-a', 3), ['f1', 'f2'], { reset: true })).toBe(true);
    // A zombie (old token) and another engine are refused; the stored books stay the owner's.
    expect(await store.save(checkpoint('ck-store', 'eng-a', 2), ['zombie'], { reset: false })).toBe(false);
    expect(await storeB.save(checkpoint('ck-store', 'eng-b', 3), ['other'], { reset: false })).toBe(false);
    now += 6_000;
    expect(await store.save(checkpoint('ck-store', 'eng-a', 3), ['f3'], { reset: false })).toBe(true);
    let loaded = await store.load('ck-store');
    expect(loaded.found && [...loaded.fillIds].sort()).toEqual(['f1', 'f2', 'f3']);
    expect(loaded.found && loaded.checkpoint.ledger.realizedPnl).toBe('1.5');
    // f1 and f2 were checkpointed 6 s + 5 s ago: older than the 10 s retention once the clock moves on.
    now += 5_000;
    expect(await store.save(checkpoint('ck-store', 'eng-a', 3), [], { reset: false })).toBe(true);
    loaded = await store.load('ck-store');
    expect(loaded.found && [...loaded.fillIds]).toEqual(['f3']);
    // A fresh start under a new lease: the fill set of the earlier run is gone.
    await redis.set(leaseKey('ck-store'), 'eng-b|4');
    expect(await storeB.save(checkpoint('ck-store', 'eng-b', 4), ['g1'], { reset: true })).toBe(true);
    loaded = await store.load('ck-store');
    expect(loaded.found && [...loaded.fillIds]).toEqual(['g1']);
    expect(loaded.found && loaded.checkpoint.engineId).toBe('eng-b');
    expect(await redis.pttl(store.checkpointKey('ck-store'))).toBeGreaterThan(0);
  });

  it('refuses a malformed stored checkpoint, naming the field', async () => {
    const store = new RedisCheckpointStore(redis, keys, { leaseHolder: 'eng-a', fillRetentionMs: 10_000 });
    expect(await store.load('ck-none')).toEqual({ found: false, problem: null });
    const bad = { ...checkpoint('ck-bad', 'eng-a', 1), ledger: { ...checkpoint('ck-bad', 'eng-a', 1).ledger, fees: 0.2 } };
    await redis.set(store.checkpointKey('ck-bad'), JSON.stringify(bad));
    expect(await store.load('ck-bad')).toEqual({ found: false, problem: 'ledger.fees: must be string' });
    await redis.set(store.checkpointKey('ck-bad'), '{not json');
    expect(await store.load('ck-bad')).toEqual({ found: false, problem: 'checkpoint is not JSON' });
    await redis.set(store.checkpointKey('ck-bad'), JSON.stringify(checkpoint('ck-other', 'eng-a', 1)));
    expect(await store.load('ck-bad')).toEqual({ found: false, problem: 'checkpoint belongs to bot ck-other' });
  });
});

describe('adoption with a checkpoint', () => {
  it('an adopted paper bot continues the dead owner’s position, PnL, fees and paper cash', async () => {
    const spec: BotSpec = {
      botId: 'ck-paper',
      name: 'ck-paper',
      exchange: 'okx',
      strategy: 'market-making',
      mode: 'paper',
      // Wide quotes: the books change only through the manual orders below.
      config: { spreadBps: 2000, orderSize: '1' },
      exchangeConfig: { instId: 'BTC-USDT-SWAP', leverage: 5 },
      riskLimits: { maxDailyLoss: '100000', maxDrawdown: 90, maxPositionSize: '100' },
    };
    const eventsA: EngineEvent[] = [];
    const a = await startKernel('ck-a', eventsA);
    await redis.set(leaseKey(spec.botId), 'ck-a|5');
    let ownerFigures: ReturnType<RealKernel['engine']['figures']>;
    let ownerBalances: string;
    const filled = (events: EngineEvent[], clientOrderId: string) =>
      events.find((event) => event.type === 'order-filled' && event.payload.fill.clientOrderId === clientOrderId);
    try {
      await a.kernel.startBot(spec, { fence: 5 });
      // Market orders need a price to value them: wait for the book (the bot's first quote).
      await waitFor('the first quote', () =>
        eventsA.find((event) => event.type === 'order-updated' && event.payload.order.status === 'OPEN'),
      15_000);
      const manual = (clientOrderId: string, side: 'BUY' | 'SELL', quantity: string) =>
        a.kernel.placeOrder(spec.botId, { clientOrderId, instrumentId: 'okx:BTC-USDT-SWAP', side, type: 'MARKET', quantity });
      await manual('buy3', 'BUY', '3');
      await waitFor('the buy filled', () => filled(eventsA, 'buy3'), 15_000);
      await manual('sell1', 'SELL', '1');
      await waitFor('the sell filled', () => filled(eventsA, 'sell1'), 15_000);
      ownerFigures = a.kernel.engine.figures(spec.botId);
      // Totals only: what is frozen depends on the open quotes, which the adopter places anew.
      ownerBalances = JSON.stringify((await a.kernel.engine.bot(spec.botId).execution.port.fetchBalances()).map((b) => [b.currency, b.total.toFixed()]));
      expect(a.kernel.engine.bot(spec.botId).ledger.position('okx:BTC-USDT-SWAP').quantity.toFixed()).toBe('2');
      // The owner dies (no cancels); its books were checkpointed with the fills.
      await a.kernel.abandonBot(spec.botId, 'engine crashed (test)', { cancelLive: false });
    } finally {
      await a.kernel.close();
      await a.venues.close();
    }

    const eventsB: EngineEvent[] = [];
    const b = await startKernel('ck-b', eventsB);
    await redis.set(leaseKey(spec.botId), 'ck-b|6');
    try {
      await b.kernel.adoptBot(spec, { fence: 6, resume: true, reason: 'adopted (test)' });
      const bot = b.kernel.engine.bot(spec.botId);
      const position = bot.ledger.position('okx:BTC-USDT-SWAP');
      expect(ownerFigures.tradeCount).toBeGreaterThanOrEqual(2); // a market order may fill over several levels
      expect(position.quantity.toFixed()).toBe('2');
      const adopted = b.kernel.engine.figures(spec.botId);
      expect(adopted.realizedPnl.toFixed()).toBe(ownerFigures.realizedPnl.toFixed());
      expect(adopted.fees.toFixed()).toBe(ownerFigures.fees.toFixed());
      expect(adopted.tradeCount).toBe(ownerFigures.tradeCount);
      expect(adopted.volume.toFixed()).toBe(ownerFigures.volume.toFixed());
      expect(JSON.stringify((await bot.execution.port.fetchBalances()).map((b) => [b.currency, b.total.toFixed()]))).toBe(ownerBalances);
            const reported = eventsB.find((event) => event.type === 'position-updated' && event.botId === spec.botId);
      expect(reported?.type === 'position-updated' && reported.payload.position.quantity).toBe('2');
      expect(eventsB.some((event) => event.type === 'bot-log' && event.payload.message.startsWith('books restored from ck-a'))).toBe(true);
      // The paper account holds the position too: a reduce-only sell of 2 fills, and the ledger goes flat.
      await waitFor('the adopter quotes', () =>
        eventsB.find((event) => event.type === 'order-updated' && event.payload.order.status === 'OPEN'),
      15_000);
      await b.kernel.placeOrder(spec.botId, {
        clientOrderId: 'close2',
        instrumentId: 'okx:BTC-USDT-SWAP',
        side: 'SELL',
        type: 'MARKET',
        quantity: '2',
        reduceOnly: true,
      });
      await waitFor('the closing sell filled', () => {
        const rejected = eventsB.find((event) => event.type === 'order-rejected');
        if (rejected) throw new Error(JSON.stringify(rejected.payload));
        return filled(eventsB, 'close2');
      }, 15_000);
      expect(bot.ledger.position('okx:BTC-USDT-SWAP').quantity.isZero()).toBe(true);
      const closedCount = b.kernel.engine.figures(spec.botId).tradeCount;
      expect(closedCount).toBeGreaterThan(ownerFigures.tradeCount);
      // The adopter's checkpoint now carries the lineage of both runs and the new fill.
      await b.kernel.flushCheckpoints();
      const stored = await new RedisCheckpointStore(redis, keys, { leaseHolder: 'ck-b', fillRetentionMs: 60_000 }).load(spec.botId);
      expect(stored.found && stored.checkpoint.engineId).toBe('ck-b');
      expect(stored.found && stored.checkpoint.runPrefixes.length).toBe(2);
      expect(stored.found && stored.checkpoint.ledger.tradeCount).toBe(closedCount);
    } finally {
      await b.kernel.close();
      await b.venues.close();
    }
  }, 60_000);
});
