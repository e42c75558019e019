/**
 * Commands through BullMQ against real Redis: acknowledgement, idempotency on the command id, malformed commands
 * and events rejected with the field named (the engine keeps working), lease ownership between two engines, and an
 * engine that loses a lease stops trading the bot.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeySpace } from '../../src/bridge/redis-connection.js';
import {
  botSpec,
  openCommandHarness,
  startEngine,
  waitFor,
  type CommandHarness,
  type CommandSender,
  type EventRecorder,
  type TestEngine,
} from './helpers.js';

let harness: CommandHarness;
let keys: KeySpace;
let redis: Redis;
let sender: CommandSender;
let recorder: EventRecorder;
let a: TestEngine;
let b: TestEngine;

beforeAll(async () => {
  harness = await openCommandHarness();
  ({ keys, redis, sender, recorder } = harness);
  a = await startEngine('eng-a', { redisPrefix: harness.prefix });
  b = await startEngine('eng-b', { redisPrefix: harness.prefix, supportedExchanges: ['okx'] });
});

afterAll(async () => {
  await a.service.stop();
  await b.service.stop();
  await harness.close();
});

describe('engine commands over BullMQ', () => {
  it('registers both engines with their exchanges, capacity and load', async () => {
    const ids = await redis.zrange(keys.key('te:registry'), 0, -1);
    expect(ids.sort()).toEqual(['eng-a', 'eng-b']);
    const info = JSON.parse((await redis.get(keys.key('te:engine:eng-b'))) ?? '{}') as {
      supportedExchanges: string[];
      capacity: number;
      load: number;
      status: string;
    };
    expect(info).toMatchObject({ supportedExchanges: ['okx'], capacity: 100, load: 0, status: 'online' });
    expect(await redis.pttl(keys.key('te:engine:eng-b'))).toBeGreaterThan(0);
  });

  it('starts a bot, acknowledges it, and does one thing for the same command id twice', async () => {
    const commandId = await sender.startBot('eng-a', botSpec('bot-1'), 'start-bot-1');
    await waitFor('ack', () => recorder.acks(commandId).length === 1);
    await sender.sendRaw(
      'eng-a',
      {
        commandId,
        engineId: 'eng-a',
        botId: 'bot-1',
        issuedAt: Date.now(),
        issuedBy: 'test',
        type: 'start-bot',
        payload: { bot: botSpec('bot-1') },
      },
      `${commandId}-resend`,
    );
    await waitFor('duplicate ack', () => recorder.acks(commandId).length === 2);
    const [first, second] = recorder.acks(commandId);
    expect(first?.payload).toMatchObject({ accepted: true, commandType: 'start-bot' });
    expect(second?.payload).toMatchObject({ accepted: true, duplicate: true });
    expect(a.kernel.listBots().map((bot) => bot.botId)).toEqual(['bot-1']);
    const starts = recorder.realtime.filter(
      (event) =>
        event.type === 'bot-state-changed' && event.botId === 'bot-1' && event.payload.to === 'RUNNING',
    );
    expect(starts).toHaveLength(1);
    await waitFor('orders from bot-1', () => a.sent.some((order) => order.botId === 'bot-1'));
  });

  it('rejects a malformed command with the field named and keeps working', async () => {
    await sender.sendRaw(
      'eng-a',
      {
        commandId: 'bad-1',
        engineId: 'eng-a',
        botId: 'bot-x',
        issuedAt: Date.now(),
        type: 'start-bot',
        payload: { bot: { ...botSpec('bot-x'), exchange: 'binance' } },
      },
      'bad-1',
    );
    await sender.sendRaw(
      'eng-a',
      { commandId: 'bad-2', engineId: 'eng-a', botId: 'bot-y', issuedAt: Date.now(), type: 'pause-bot' },
      'bad-2',
    );
    await sender.sendRaw('eng-a', 'not even an object', 'bad-3');
    await waitFor(
      'three rejections',
      () =>
        recorder.acks('bad-1').length + recorder.acks('bad-2').length + recorder.acks('bad-3').length === 3,
    );
    expect(recorder.acks('bad-1')[0]?.payload.accepted).toBe(false);
    expect(recorder.acks('bad-1')[0]?.payload.reason).toContain('payload.bot.exchange');
    expect(recorder.acks('bad-2')[0]?.payload.reason).toContain('payload: is required');
    expect(recorder.acks('bad-3')[0]?.payload.accepted).toBe(false);
    const next = await sender.send({
      engineId: 'eng-a',
      botId: 'bot-1',
      issuedBy: 'test',
      type: 'pause-bot',
      payload: {},
    } as never);
    await waitFor('pause ack', () => recorder.acks(next).length === 1);
    expect(recorder.acks(next)[0]?.payload.accepted).toBe(true);
    expect(a.kernel.listBots()[0]?.state).toBe('PAUSED');
  });

  it('rejects a command for a bot the engine does not run, and an exchange it does not support', async () => {
    const missing = await sender.send({
      engineId: 'eng-b',
      botId: 'nope',
      issuedBy: 'test',
      type: 'resume-bot',
      payload: {},
    } as never);
    const poly = await sender.startBot('eng-b', botSpec('bot-poly', 'polymarket'));
    await waitFor('acks', () => recorder.acks(missing).length === 1 && recorder.acks(poly).length === 1);
    expect(recorder.acks(missing)[0]?.payload.reason).toContain('not on this engine');
    expect(recorder.acks(poly)[0]?.payload.reason).toContain('payload.bot.exchange');
  });

  it('keeps one owner per bot: another engine cannot start it', async () => {
    const stolen = await sender.startBot('eng-b', botSpec('bot-1'));
    await waitFor('ack', () => recorder.acks(stolen).length === 1);
    expect(recorder.acks(stolen)[0]?.payload).toMatchObject({ accepted: false });
    expect(recorder.acks(stolen)[0]?.payload.reason).toContain('eng-a');
    expect(b.kernel.listBots()).toHaveLength(0);
  });

  it('drops an outgoing event that fails the schema, naming the field, and goes on', async () => {
    const before = await a.metrics.eventsRejected.get();
    a.service.events.publish({
      type: 'bot-log',
      eventId: 'x',
      engineId: 'eng-a',
      exchange: 'okx',
      botId: 'bot-1',
      timestamp: Date.now(),
      seq: 0,
      payload: { level: 'loud', message: 'hi' },
    } as never);
    const after = await a.metrics.eventsRejected.get();
    expect((after.values[0]?.value ?? 0) - (before.values[0]?.value ?? 0)).toBe(1);
    const resume = await sender.send({
      engineId: 'eng-a',
      botId: 'bot-1',
      issuedBy: 'test',
      type: 'resume-bot',
      payload: {},
    } as never);
    await waitFor('resume ack', () => recorder.acks(resume)[0]?.payload.accepted === true);
  });

  it('stops trading a bot as soon as its lease is lost', async () => {
    const start = await sender.startBot('eng-a', botSpec('bot-2', 'okx', 20));
    await waitFor(
      'bot-2 trading',
      () => recorder.acks(start).length === 1 && a.sent.some((order) => order.botId === 'bot-2'),
    );
    // Another holder takes the lease (as after an expiry): the next renewal sees it and the bot is dropped.
    await redis.set(keys.key('te:lease:bot:bot-2'), 'someone-else|999', 'PX', 5000);
    await waitFor('bot-2 dropped', () => !a.kernel.listBots().some((bot) => bot.botId === 'bot-2'), 5000);
    const count = a.sent.filter((order) => order.botId === 'bot-2').length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.sent.filter((order) => order.botId === 'bot-2').length).toBe(count);
  });

  it('stops every bot on the cms:kill-switch broadcast and releases their leases', async () => {
    const start = await sender.startBot('eng-b', botSpec('bot-k', 'okx', 50));
    await waitFor('bot-k running', () => recorder.acks(start)[0]?.payload.accepted === true);
    await redis.publish(
      keys.key('cms:kill-switch'),
      JSON.stringify({ reason: 'test', issuedAt: Date.now(), issuedBy: 'u1' }),
    );
    await waitFor('bot-k stopped', () => b.kernel.listBots().length === 0);
    expect(await redis.exists(keys.key('te:lease:bot:bot-k'), keys.key('te:assign:bot:bot-k'))).toBe(0);
    const stopped = recorder.realtime.find(
      (event) =>
        event.type === 'bot-state-changed' && event.botId === 'bot-k' && event.payload.to === 'STOPPED',
    );
    expect(stopped?.type === 'bot-state-changed' ? stopped.payload.reason : '').toContain(
      'kill switch broadcast: test',
    );
  });

  it('persists everything but heartbeats on the engine-events queue with job id = event id, each under 10 KB', async () => {
    await a.service.events.drained();
    const persisted = await recorder.persisted();
    expect(persisted.length).toBeGreaterThan(0);
    expect(persisted.some((event) => event.type === 'engine-heartbeat')).toBe(false);
    for (const event of persisted) expect(JSON.stringify(event).length).toBeLessThan(10 * 1024);
    const acks = persisted.filter((event) => event.type === 'command-acknowledged');
    expect(acks.length).toBeGreaterThanOrEqual(6);
  });
});
