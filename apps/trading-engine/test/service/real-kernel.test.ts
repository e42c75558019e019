/**
 * The engine service on the real trading kernel (RealKernel over TradingEngine) against the exchange simulator:
 * a paper market-making bot on okx:BTC-USDT-SWAP started through BullMQ (its instrument named only in
 * exchangeConfig) quotes real orders from the simulator's book, a manual market order fills and moves PnL, both on
 * pub/sub and in the engine-events queue; stop-bot cancels the bot's orders. A venue that cannot be reached is
 * reported disconnected and the bot start on it is refused, without crashing the engine.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '@trading/exchange-sim';
import type { BotSpec, EngineEvent } from '@trading/shared-types';
import { EngineService } from '../../src/bridge/engine-service.js';
import { RealKernel } from '../../src/bridge/kernel-adapter.js';
import { subscribeSignals, type SignalSubscriber } from '../../src/bridge/signal-subscriber.js';
import { KeySpace } from '../../src/bridge/redis-connection.js';
import { createMetrics } from '../../src/service/metrics.js';
import { VenueConnections } from '../../src/service/venues.js';
import { CommandSender, EventRecorder, REDIS_URL, freePort, randomPrefix, testServiceConfig, waitFor, simulatorEndpoints } from './helpers.js';

const prefix = randomPrefix();
const keys = new KeySpace(prefix);
let sim: RunningSimulator;
let redis: Redis;
let sender: CommandSender;
let recorder: EventRecorder;
let venues: VenueConnections;
let kernel: RealKernel;
let service: EngineService;
const statuses: string[] = [];
const invalidSignals: string[] = [];
let signals: SignalSubscriber;

const endpoints = simulatorEndpoints;

function mmSpec(botId: string): BotSpec {
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

function of<T extends EngineEvent['type']>(
  events: EngineEvent[],
  type: T,
  botId: string,
): Extract<EngineEvent, { type: T }>[] {
  return events.filter(
    (event): event is Extract<EngineEvent, { type: T }> => event.type === type && event.botId === botId,
  );
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, polymarket: false, okx: { tickMs: 100 } });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  sender = new CommandSender(redis, keys);
  recorder = new EventRecorder(REDIS_URL, keys, redis);
  await recorder.start();
  // Polymarket points at a closed port: it must be reported and retried, not crash the engine.
  const deadPort = await freePort();
  const okx = endpoints(sim.url, sim.wsUrl);
  const dead = endpoints(`http://127.0.0.1:${String(deadPort)}`, `ws://127.0.0.1:${String(deadPort)}`);
  venues = new VenueConnections(
    ['okx', 'polymarket'],
    { ...okx, polymarketClobUrl: dead.polymarketClobUrl, polymarketWsUrl: dead.polymarketWsUrl },
    (exchange, status) => {
      statuses.push(`${exchange}:${status}`);
      kernel.reportExchangeStatus(exchange, status, 'test');
    },
    { baseMs: 200, maxMs: 1000 },
  );
  kernel = new RealKernel({ engineId: 'eng-real', venues: venues.sources() });
  await venues.connect();
  service = new EngineService(
    testServiceConfig('eng-real', { redisPrefix: prefix }),
    kernel,
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    createMetrics(false),
  );
  await service.start();
  signals = await subscribeSignals(
    { redisUrl: REDIS_URL, sentinel: null, redisPassword: undefined, redisPrefix: prefix },
    (signal) => kernel.deliverSignal(signal),
    (_channel, problem) => invalidSignals.push(problem),
  );
}, 30_000);

afterAll(async () => {
  await signals.close();
  await service.stop();
  await venues.close();
  await sender.close();
  await recorder.close();
  await sim.close();
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

describe('engine service on the real kernel', () => {
  it('reports the unreachable venue as disconnected and keeps OKX connected', () => {
    expect(statuses).toContain('okx:connected');
    expect(statuses).toContain('polymarket:disconnected');
  });

  it('runs a paper market-making bot from the simulator book, fills a manual order, and stops it', async () => {
    const spec = mmSpec('mm-1');
    const start = await sender.startBot('eng-real', spec);
    await waitFor('start ack', () => recorder.acks(start)[0]);
    expect(recorder.acks(start)[0]?.payload).toMatchObject({ accepted: true });

    // Real quotes: OPEN limit orders on both sides of the simulator's book, ids carrying the lease nonce.
    const quotes = await waitFor(
      'open quotes',
      () => {
        const open = of(recorder.realtime, 'order-updated', 'mm-1').filter(
          (event) => event.payload.order.status === 'OPEN',
        );
        const sides = new Set(open.map((event) => event.payload.order.side));
        return sides.size === 2 ? open : undefined;
      },
      15_000,
    );
    for (const quote of quotes) {
      expect(quote.payload.order).toMatchObject({
        instrumentId: 'okx:BTC-USDT-SWAP',
        type: 'LIMIT',
        mode: 'paper',
        source: 'strategy',
      });
      expect(quote.payload.order.clientOrderId.startsWith('mm1')).toBe(true);
    }

    const place = await sender.send({
      engineId: 'eng-real',
      botId: 'mm-1',
      issuedBy: 'test',
      type: 'place-order',
      payload: {
        clientOrderId: 'manual1',
        instrumentId: 'okx:BTC-USDT-SWAP',
        side: 'BUY',
        type: 'MARKET',
        quantity: '1',
      },
    } as never);
    await waitFor('place ack', () => recorder.acks(place)[0]);
    expect(recorder.acks(place)[0]?.payload).toMatchObject({ accepted: true });
    const fill = await waitFor(
      'manual fill',
      () =>
        of(recorder.realtime, 'order-filled', 'mm-1').find(
          (event) => event.payload.fill.clientOrderId === 'manual1',
        ),
      15_000,
    );
    expect(fill.payload.fill).toMatchObject({ side: 'BUY', quantity: '1' });
    await waitFor('pnl', () => of(recorder.realtime, 'pnl-updated', 'mm-1').length > 0);

    const persisted = await waitFor(
      'persisted events',
      async () => {
        const events = await recorder.persisted();
        return of(events, 'order-filled', 'mm-1').length > 0 && of(events, 'pnl-updated', 'mm-1').length > 0
          ? events
          : undefined;
      },
      10_000,
    );
    expect(of(persisted, 'order-updated', 'mm-1').length).toBeGreaterThan(0);

    const stop = await sender.send({
      engineId: 'eng-real',
      botId: 'mm-1',
      issuedBy: 'test',
      type: 'stop-bot',
      payload: { reason: 'test done' },
    } as never);
    await waitFor('stop ack', () => recorder.acks(stop)[0]);
    expect(recorder.acks(stop)[0]?.payload).toMatchObject({ accepted: true });
    await waitFor('STOPPED', () =>
      of(recorder.realtime, 'bot-state-changed', 'mm-1').find((event) => event.payload.to === 'STOPPED'),
    );
    // Every order the bot left OPEN ends CANCELLED, or FILLED (the manual order, reported by order-filled).
    await waitFor('no open orders', () => {
      const last = new Map<string, string>();
      for (const event of recorder.realtime) {
        if (event.botId !== 'mm-1') continue;
        if (event.type === 'order-updated' || event.type === 'order-filled')
          last.set(event.payload.order.clientOrderId, event.payload.order.status);
      }
      const live = [...last.values()].filter((status) => ['PENDING', 'OPEN', 'PARTIALLY_FILLED'].includes(status));
      return live.length === 0 && [...last.values()].includes('CANCELLED');
    });
    expect(kernel.listBots()).toEqual([]);
  }, 45_000);

  it('refuses a bot on the unreachable venue with a clear reason', async () => {
    const spec: BotSpec = {
      ...mmSpec('pm-1'),
      exchange: 'polymarket',
      config: { spread: '0.02', orderSize: '5' },
      exchangeConfig: { marketId: 'm1', tokenId: '123' },
    };
    const start = await sender.startBot('eng-real', spec);
    const ack = await waitFor('start ack', () => recorder.acks(start)[0]);
    expect(ack.payload).toMatchObject({ accepted: false });
    expect(ack.payload.reason).toMatch(/instrument/);
  });

  it('routes a valid trading signal from Redis to a signal-based bot, and drops an invalid one', async () => {
    const spec: BotSpec = { ...mmSpec('sig-1'), strategy: 'signal-based', config: { orderSize: '1', sources: ['lab'] } };
    const start = await sender.startBot('eng-real', spec);
    const ack = await waitFor('start ack', () => recorder.acks(start)[0]);
    expect(ack.payload).toMatchObject({ accepted: true });
    // The bot needs a book before it can price an entry.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.publish(keys.key('signals:lab'), JSON.stringify({ signalId: 'bad', source: 'lab' }));
    await waitFor('invalid signal dropped', () => invalidSignals.length > 0);
    await redis.publish(
      keys.key('signals:lab'),
      JSON.stringify({
        signalId: 'sig-a',
        source: 'lab',
        instrumentId: 'okx:BTC-USDT-SWAP',
        direction: 'long',
        confidence: 0.9,
        timestamp: Date.now(),
      }),
    );
    const order = await waitFor(
      'order from the signal',
      () => of(recorder.realtime, 'order-updated', 'sig-1').find((event) => event.payload.order.side === 'BUY'),
      10_000,
    );
    expect(order.payload.order.instrumentId).toBe('okx:BTC-USDT-SWAP');
    expect(of(recorder.realtime, 'order-updated', 'sig-1').every((event) => event.payload.order.side === 'BUY')).toBe(true);
  });
});
