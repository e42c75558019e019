/**
 * Live bots on the real kernel, end to end: an engine service (real Redis, BullMQ commands) on the in-process
 * simulator (OKX + Polymarket), wired as main.ts wires it (wireRealKernel). A live OKX bot whose credentials were
 * sealed under a *previous* key (rotation) and a live Polymarket bot (private key; API creds derived) are started
 * by command; their orders appear at the simulator under the bot's client order ids (OKX verifies the HMAC
 * signatures, Polymarket the L1/L2 auth). Undecryptable credentials are refused with a precise reason and the
 * engine keeps running. Manual orders go through the bot's pre-trade risk. After a run with a sequence gap and a
 * corrupted checksum, /metrics shows book resyncs and tick-to-order observations. Adoption of a live bot (the
 * previous owner dropped it without cancelling) cancels the dead run's orders at the venue by client order id.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptCredentials, keyId } from '@trading/credentials';
import { startSimulator, type RunningSimulator } from '@trading/exchange-sim';
import type { BotSpec, EngineEvent } from '@trading/shared-types';
import { EngineService } from '../../src/bridge/engine-service.js';
import { RedisOrderIdStore, polymarketOrderIdsKey } from '../../src/bridge/redis-order-id-store.js';
import { KeySpace } from '../../src/bridge/redis-connection.js';
import { startHttpServer } from '../../src/service/http-server.js';
import { createMetrics, type EngineMetrics } from '../../src/service/metrics.js';
import { wireRealKernel, type WiredKernel } from '../../src/service/real-kernel-wiring.js';
import { CommandSender, EventRecorder, REDIS_URL, randomPrefix, testServiceConfig, waitFor, simulatorEndpoints } from './helpers.js';

const KEY_NEW = '1'.repeat(64);
const KEY_OLD = '2'.repeat(64);
const KEY_UNKNOWN = '3'.repeat(64);
/** Anvil's well-known test key (never funded anywhere real). */
const PM_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const PM_ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ENGINE = 'eng-live';

const prefix = randomPrefix();
const keys = new KeySpace(prefix);
let sim: RunningSimulator;
let redis: Redis;
let sender: CommandSender;
let recorder: EventRecorder;
let wired: WiredKernel;
let metrics: EngineMetrics;
let service: EngineService;
let http: { port: number; close(): Promise<void> };
let pmMarket: { conditionId: string; yesToken: string };

const endpoints = () => simulatorEndpoints(sim.url, sim.wsUrl);

function okxSpec(botId: string, mode: 'live' | 'paper', encryptedCredentials: string | null): BotSpec {
  return {
    botId,
    name: botId,
    exchange: 'okx',
    strategy: 'market-making',
    mode,
    config: { spreadBps: 20, orderSize: '1' },
    exchangeConfig: { instId: 'BTC-USDT-SWAP' },
    riskLimits: { maxDailyLoss: '100000', maxDrawdown: 90, maxPositionSize: '100', maxOrderSize: '5' },
    walletId: mode === 'live' ? 'w-okx' : null,
    encryptedCredentials,
  };
}

const orderIdStore = (botId: string) => new RedisOrderIdStore(redis, polymarketOrderIdsKey(keys, botId));

function pmSpec(botId: string): BotSpec {
  return {
    botId,
    name: botId,
    exchange: 'polymarket',
    strategy: 'market-making',
    mode: 'live',
    config: { spread: '0.04', orderSize: '10' },
    exchangeConfig: { marketId: pmMarket.conditionId, tokenId: pmMarket.yesToken },
    riskLimits: { maxDailyLoss: '1000', maxDrawdown: 90, maxPositionSize: '1000' },
    walletId: 'w-pm',
    encryptedCredentials: encryptCredentials({ privateKey: PM_KEY }, KEY_NEW),
  };
}

function pmOpenAtVenue() {
  const pm = sim.polymarket;
  if (pm === null) throw new Error('no polymarket venue');
  return pm.clob.openOrders({}).filter((order) => order.maker.toLowerCase() === PM_ADDRESS.toLowerCase());
}

function okxBlob(key: string): string {
  const k = sim.okx.defaultKey;
  return encryptCredentials({ apiKey: k.apiKey, secret: k.secret, passphrase: k.passphrase }, key);
}

function of<T extends EngineEvent['type']>(type: T, botId: string): Extract<EngineEvent, { type: T }>[] {
  return recorder.realtime.filter(
    (event): event is Extract<EngineEvent, { type: T }> => event.type === type && event.botId === botId,
  );
}

async function ack(commandId: string) {
  return (await waitFor(`ack of ${commandId}`, () => recorder.acks(commandId)[0], 20_000)).payload;
}

function simOpenOrders(): Record<string, string>[] {
  return sim.okx.account(sim.okx.defaultKey.apiKey).openOrders;
}

beforeAll(async () => {
  sim = await startSimulator({
    seed: 11,
    okx: { tickMs: 100 },
    polymarket: { refreshMs: 100, mineDelayMs: 20, confirmDelayMs: 20 },
  });
  const pm = sim.polymarket;
  if (pm === null) throw new Error('no polymarket venue');
  const market = pm.addMarket({ question: 'live engine test market', fair: '0.5', feeRate: '0.072' });
  pmMarket = { conditionId: market.conditionId, yesToken: market.yes.tokenId };
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  sender = new CommandSender(redis, keys);
  recorder = new EventRecorder(REDIS_URL, keys, redis);
  await recorder.start();
  metrics = createMetrics(false);
  wired = wireRealKernel({
    engineId: ENGINE,
    supportedExchanges: ['okx', 'polymarket'],
    endpoints: endpoints(),
    encryptionKeys: [KEY_NEW, KEY_OLD],
    metrics,
    retry: { baseMs: 200, maxMs: 1000 },
    orderIdStore,
    okxFundingReadMs: 100,
  });
  await wired.venues.connect();
  service = new EngineService(
    testServiceConfig(ENGINE, { redisPrefix: prefix }),
    wired.kernel,
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    metrics,
  );
  await service.start();
  http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    registry: metrics.registry,
    health: () => service.healthReport(),
  });
}, 40_000);

afterAll(async () => {
  await http.close();
  await service.stop();
  await wired.venues.close();
  await sender.close();
  await recorder.close();
  await sim.close();
  const leftovers = await redis.keys(`${prefix}:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
});

describe('live bots on the real kernel', () => {
  it('refuses undecryptable credentials with a precise reason, without crashing', async () => {
    const unknown = await ack(
      await sender.startBot(ENGINE, okxSpec('bad-key', 'live', okxBlob(KEY_UNKNOWN))),
    );
    expect(unknown).toMatchObject({ accepted: false });
    expect(unknown.reason).toContain(`no key with id ${keyId(KEY_UNKNOWN)}`);
    expect(unknown.reason).toContain('ENCRYPTION_KEYS_PREVIOUS');

    const blob = okxBlob(KEY_NEW);
    const parts = blob.split(':');
    const body = parts[4] ?? '';
    const tampered = [...parts.slice(0, 4), `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`].join(':');
    const bad = await ack(await sender.startBot(ENGINE, okxSpec('tampered', 'live', tampered)));
    expect(bad).toMatchObject({ accepted: false });
    expect(bad.reason).toMatch(/does not authenticate/);

    const none = await ack(await sender.startBot(ENGINE, okxSpec('no-blob', 'live', null)));
    expect(none.reason).toMatch(/has no encryptedCredentials/);

    const partial = encryptCredentials({ apiKey: 'k' }, KEY_NEW);
    const fields = await ack(await sender.startBot(ENGINE, okxSpec('partial', 'live', partial)));
    expect(fields.reason).toMatch(/missing: secret, passphrase/);

    const wrongLogin = encryptCredentials({ apiKey: 'nope', secret: 's', passphrase: 'p' }, KEY_NEW);
    const login = await ack(await sender.startBot(ENGINE, okxSpec('wrong-login', 'live', wrongLogin)));
    expect(login).toMatchObject({ accepted: false });
    expect(login.reason).toMatch(/okx account could not connect/);

    expect(wired.kernel.listBots()).toEqual([]);
    expect(service.healthReport().status).toBe('ok');
  }, 60_000);

  it('trades a live OKX bot (credentials sealed under the previous key) at the simulator under its client order ids', async () => {
    const spec = okxSpec('okx-live', 'live', okxBlob(KEY_OLD));
    expect(await ack(await sender.startBot(ENGINE, spec))).toMatchObject({ accepted: true });
    const open = await waitFor(
      'live quotes at the simulator',
      () => {
        const mine = simOpenOrders().filter((order) => order.clOrdId?.startsWith('okxlive'));
        return new Set(mine.map((order) => order.side)).size === 2 ? mine : undefined;
      },
      20_000,
    );
    const ids = new Set(open.map((order) => order.clOrdId));
    const reported = of('order-updated', 'okx-live').filter((event) =>
      ids.has(event.payload.order.clientOrderId),
    );
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.every((event) => event.payload.order.mode === 'live')).toBe(true);
    // The bot trades on its own credentials, so the account's balance is the bot's: reported, and equal to the
    // venue's cash balance (OKX cashBal).
    await waitFor(
      'the bot’s USDT balance as the venue has it',
      () => {
        const last = of('balance-updated', 'okx-live').filter((event) => event.payload.balance.currency === 'USDT').at(-1);
        const cash = sim.okx.account().balances.USDT?.cash;
        return last !== undefined && cash !== undefined && last.payload.balance.total === cash && last.payload.balance.exchange === 'okx';
      },
      20_000,
    );
    // The secret never leaves the engine.
    const secret = sim.okx.defaultKey.secret;
    expect(JSON.stringify(recorder.realtime)).not.toContain(secret);
    expect(JSON.stringify(await recorder.persisted())).not.toContain(secret);
  }, 40_000);

  it('applies the bot pre-trade risk to a manual order: the rejection names the rule', async () => {
    const place = await sender.send({
      engineId: ENGINE,
      botId: 'okx-live',
      issuedBy: 'test',
      type: 'place-order',
      payload: {
        clientOrderId: 'manualbig',
        instrumentId: 'okx:BTC-USDT-SWAP',
        side: 'BUY',
        type: 'MARKET',
        quantity: '6',
      },
    } as never);
    const refused = await ack(place);
    expect(refused).toMatchObject({ accepted: false });
    expect(refused.reason).toMatch(/risk rule max-order-size/);
    expect(simOpenOrders().some((order) => order.clOrdId === 'manualbig')).toBe(false);
    const ok = await sender.send({
      engineId: ENGINE,
      botId: 'okx-live',
      issuedBy: 'test',
      type: 'place-order',
      payload: {
        clientOrderId: 'manualok',
        instrumentId: 'okx:BTC-USDT-SWAP',
        side: 'BUY',
        type: 'MARKET',
        quantity: '1',
      },
    } as never);
    expect(await ack(ok)).toMatchObject({ accepted: true });
    const filled = await waitFor('manual fill', () =>
      of('order-filled', 'okx-live').find((event) => event.payload.fill.clientOrderId === 'manualok'),
    );
    // The order push and the fill report the same execution: counted once (was "2").
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fills = of('order-filled', 'okx-live').filter((event) => event.payload.fill.clientOrderId === 'manualok');
    const total = fills.reduce((sum, event) => sum + Number(event.payload.fill.quantity), 0);
    expect(total).toBe(1);
    expect(filled.payload.order.filledQuantity).toBe(String(total));
    for (const event of of('order-updated', 'okx-live'))
      if (event.payload.order.orderId === 'manualok') expect(Number(event.payload.order.filledQuantity)).toBeLessThanOrEqual(1);
  }, 30_000);

  it('books a funding settlement of the bot’s own account once, with the venue’s amount', async () => {
    const ledger = () => wired.kernel.engine.bot('okx-live').ledger;
    await waitFor('a position', () => !ledger().position('okx:BTC-USDT-SWAP').quantity.isZero());
    const venuePosition = sim.okx.account().positions.find((p) => p.instId === 'BTC-USDT-SWAP')?.pos;
    expect(venuePosition).toBe(ledger().position('okx:BTC-USDT-SWAP').quantity.toFixed());
    sim.okx.settleFunding('BTC-USDT-SWAP', '0.0005');
    const paid = await waitFor('the settlement in the bot’s position', () =>
      of('position-updated', 'okx-live')
        .map((event) => event.payload.position.funding)
        .find((funding) => funding !== '0'),
    );
    // The venue's bill for the settlement: its amount is what the bot's books show.
    const venueBills = sim.okx.account().fundingBills;
    expect(venueBills).toHaveLength(1);
    expect(paid).toBe(venueBills[0]?.balChg);
    await waitFor('the settlement in the bot’s PnL', () =>
      of('pnl-updated', 'okx-live').some((event) => event.payload.pnl.funding === paid),
    );
    // A private reconnect reads the bills again: nothing is booked twice.
    sim.okx.dropConnections('private');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ledger().figures(Date.now()).funding.toFixed()).toBe(paid);
  }, 30_000);

  it('trades a live Polymarket bot (private key, derived API creds) at the simulator', async () => {
    const spec = pmSpec('pm-live');
    expect(await ack(await sender.startBot(ENGINE, spec))).toMatchObject({ accepted: true });
    const pm = sim.polymarket;
    if (pm === null) throw new Error('no polymarket venue');
    const mine = () =>
      pm.clob.openOrders({}).filter((order) => order.maker.toLowerCase() === PM_ADDRESS.toLowerCase());
    const resting = await waitFor(
      'live Polymarket quotes at the simulator',
      () => {
        const orders = mine();
        return orders.length >= 2 ? orders : undefined;
      },
      20_000,
    );
    // Polymarket has no client order ids: the engine reports each resting order under the bot's client order id
    // with the venue's order hash as exchangeOrderId (the adapter keeps the map).
    const hashes = await waitFor('order-updated events with the venue hashes', () => {
      const known = new Map(
        of('order-updated', 'pm-live')
          .filter((event) => event.payload.order.exchangeOrderId !== null)
          .map((event) => [event.payload.order.exchangeOrderId, event.payload.order.clientOrderId]),
      );
      return resting.every((order) => known.has(order.id)) ? known : undefined;
    });
    for (const order of resting) expect(hashes.get(order.id)?.startsWith('pmlive')).toBe(true);
    const account = wired.liveAccounts.get('pm-live');
    const execution = account?.execution;
    if (!execution) throw new Error('no live account for pm-live');
    const open = await execution.fetchOpenOrders();
    expect(open.length).toBeGreaterThanOrEqual(2);
    expect(open.every((order) => order.clientOrderId.startsWith('pmlive'))).toBe(true);
    const stop = await sender.send({
      engineId: ENGINE,
      botId: 'pm-live',
      issuedBy: 'test',
      type: 'stop-bot',
      payload: { reason: 'done' },
    } as never);
    expect(await ack(stop)).toMatchObject({ accepted: true });
    await waitFor('Polymarket quotes cancelled', () => mine().length === 0, 10_000);
    expect(wired.liveAccounts.get('pm-live')).toBeUndefined();
  }, 60_000);

  it('feeds book_resyncs_total and tick_to_order_seconds from a run with a sequence gap and a bad checksum', async () => {
    sim.okx.skipNextSequence('BTC-USDT-SWAP');
    await waitFor('resync after the gap', async () => (await resyncs()) >= 1, 10_000);
    sim.okx.corruptNextChecksum('BTC-USDT-SWAP');
    await waitFor('resync after the checksum', async () => (await resyncs()) >= 2, 10_000);
    const text = await (await fetch(`http://127.0.0.1:${String(http.port)}/metrics`)).text();
    const resyncLine = text
      .split('\n')
      .find((line) => line.startsWith('trading_engine_book_resyncs_total{exchange="okx"}'));
    expect(Number(resyncLine?.split(' ')[1])).toBeGreaterThanOrEqual(2);
    const count = text
      .split('\n')
      .find((line) => line.startsWith('trading_engine_tick_to_order_seconds_count'));
    expect(Number(count?.split(' ')[1])).toBeGreaterThan(0);
    const sum = text.split('\n').find((line) => line.startsWith('trading_engine_tick_to_order_seconds_sum'));
    expect(Number(sum?.split(' ')[1])).toBeGreaterThan(0);
  }, 30_000);

  it('adopts a live bot: the dead run’s orders are cancelled and its unreported venue fills reported', async () => {
    // The owner dies without cancelling (a crashed engine): its quotes stay at the venue.
    const spec = okxSpec('okx-live', 'live', okxBlob(KEY_OLD));
    await wired.kernel.abandonBot('okx-live', 'engine crashed (test)', { cancelLive: false });
    // Requests the bot sent before it was dropped (a requote's cancel) may still land: let them, then nothing moves.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = simOpenOrders().filter((order) => order.clOrdId?.startsWith('okxlive'));
    expect(before.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(simOpenOrders().filter((order) => order.clOrdId?.startsWith('okxlive')).length).toBe(
      before.length,
    );
    // While no engine watches the account, a taker sweeps the book through the dead run's bid.
    sim.okx.addLiquidity('BTC-USDT-SWAP', 'sell', undefined, '20000');
    const swept = await waitFor('a dead-run quote filled at the venue', () => {
      const open = new Set(simOpenOrders().map((order) => order.clOrdId));
      const gone = before.filter((order) => !open.has(order.clOrdId) && order.side === 'buy');
      return gone.length > 0 ? gone : undefined;
    });
    const filledAtVenue = sim.okx.account(sim.okx.defaultKey.apiKey).orders.filter(
      (order) => swept.some((old) => old.clOrdId === order.clOrdId) && Number(order.accFillSz ?? '0') > 0,
    );
    expect(filledAtVenue.length).toBeGreaterThan(0);
    const reportedBefore = new Set(of('order-filled', 'okx-live').map((event) => event.payload.fill.fillId));

    const adopter = wireRealKernel({
      engineId: 'eng-adopter',
      supportedExchanges: ['okx'],
      endpoints: endpoints(),
      encryptionKeys: [KEY_OLD],
      metrics: createMetrics(false),
    });
    // The dead owner checkpointed the bot's books in Redis (the service attached its kernel): the adopter reads them.
    adopter.kernel.attachCheckpoints(redis, keys, 'eng-adopter');
    const logs: string[] = [];
    const recovered: Extract<EngineEvent, { type: 'order-filled' }>[] = [];
    adopter.kernel.setEventSink({
      publish: (event) => {
        if (event.type === 'bot-log') logs.push(event.payload.message);
        if (event.type === 'order-filled') recovered.push(event);
      },
    });
    try {
      await adopter.venues.connect();
      await adopter.kernel.adoptBot(spec, { fence: 99, resume: false, reason: 'adopted (test)' });
      expect(logs.some((line) => line.includes(`cancelled ${String(before.length - swept.length)} open orders`)), logs.join("\n") + ` before ${String(before.length)} swept ${String(swept.length)}`).toBe(true);
      // Every execution of the swept orders is reported once, under the venue's trade id, with the venue's order.
      for (const order of filledAtVenue) {
        const fills = recovered.filter((event) => event.payload.fill.clientOrderId === order.clOrdId);
        expect(fills.reduce((sum, event) => sum + Number(event.payload.fill.quantity), 0)).toBe(Number(order.accFillSz));
        expect(new Set(fills.map((event) => event.payload.fill.fillId)).size).toBe(fills.length);
        expect(fills.every((event) => !reportedBefore.has(event.payload.fill.fillId))).toBe(true);
        expect(fills[0]?.payload.order).toMatchObject({ orderId: order.clOrdId, status: 'FILLED' });
      }
      await waitFor('the dead run’s orders cancelled at the simulator', () =>
        simOpenOrders().every((order) => !before.some((old) => old.clOrdId === order.clOrdId)),
      );
      expect(adopter.kernel.listBots()[0]).toMatchObject({ botId: 'okx-live', state: 'PAUSED', fence: 99 });
      // The adopter's books = the dead run's checkpoint + the fills made while nobody watched: the same position as
      // every fill ever reported for the bot, folded once per fill id (what the CMS ledger holds).
      const signed = new Map<string, number>();
      for (const event of [...of('order-filled', 'okx-live'), ...recovered])
        signed.set(event.payload.fill.fillId, (event.payload.fill.side === 'BUY' ? 1 : -1) * Number(event.payload.fill.quantity));
      const folded = [...signed.values()].reduce((sum, quantity) => sum + quantity, 0);
      expect(reportedBefore.size).toBeGreaterThan(0);
      expect(logs.some((line) => line.startsWith('books restored from eng-live')), logs.join('\n')).toBe(true);
      expect(Number(adopter.kernel.engine.bot('okx-live').ledger.position('okx:BTC-USDT-SWAP').quantity.toFixed())).toBe(folded);
    } finally {
      await adopter.kernel.close();
      await adopter.venues.close();
    }
  }, 40_000);

  it('a lost lease cancels the live bot’s open orders of its run at the venue before dropping it', async () => {
    const spec = okxSpec('okx-lease', 'live', okxBlob(KEY_OLD));
    expect(await ack(await sender.startBot(ENGINE, spec))).toMatchObject({ accepted: true });
    const mine = () => simOpenOrders().filter((order) => order.clOrdId?.startsWith('okxlease'));
    await waitFor('quotes of the bot at the simulator', () => (mine().length >= 2 ? true : undefined), 20_000);
    await wired.kernel.abandonBot('okx-lease', 'bot lease lost (test)');
    expect(wired.kernel.listBots().some((bot) => bot.botId === 'okx-lease')).toBe(false);
    expect(mine()).toEqual([]);
    await waitFor('the cancel logged', () =>
      of('bot-log', 'okx-lease').find((event) => /^dropped \(bot lease lost \(test\)\): cancelled [1-9]\d* open orders of this run/.test(event.payload.message)),
    );
  }, 40_000);

  it('adopts a live Polymarket bot: its order map is in Redis, so the dead run’s orders are cancelled', async () => {
    const spec = pmSpec('pm-adopt');
    expect(await ack(await sender.startBot(ENGINE, spec))).toMatchObject({ accepted: true });
    const before = await waitFor(
      'quotes at the venue',
      () => {
        const open = pmOpenAtVenue();
        return open.length >= 2 ? open : undefined;
      },
      20_000,
    );
    await wired.kernel.abandonBot('pm-adopt', 'engine crashed (test)', { cancelLive: false });
    expect(pmOpenAtVenue().length).toBe(before.length);

    const adopter = wireRealKernel({
      engineId: 'eng-adopter-pm',
      supportedExchanges: ['polymarket'],
      endpoints: endpoints(),
      encryptionKeys: [KEY_NEW],
      metrics: createMetrics(false),
      orderIdStore,
    });
    const logs: string[] = [];
    adopter.kernel.setEventSink({
      publish: (event) => {
        if (event.type === 'bot-log') logs.push(event.payload.message);
      },
    });
    try {
      await adopter.venues.connect();
      await adopter.kernel.adoptBot(spec, { fence: 7, resume: false, reason: 'adopted (test)' });
      expect(logs.some((line) => line.includes(`cancelled ${String(before.length)} open orders`))).toBe(true);
      await waitFor('no order of the maker left at the venue', () => pmOpenAtVenue().length === 0, 10_000);
    } finally {
      await adopter.kernel.close();
      await adopter.venues.close();
    }
  }, 60_000);
});

async function resyncs(): Promise<number> {
  const { values } = await metrics.bookResyncs.get();
  return values.reduce((total, value) => total + value.value, 0);
}
