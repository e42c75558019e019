/**
 * Commands run side by side across bots and in order within one bot, through BullMQ against real Redis: starts
 * (adoptions after a failover) of different bots overlap instead of queueing behind each other's venue round trips,
 * one bot's pause/resume sequence applies in the order sent (by its per-bot `seq`, even when sent back to back or
 * queued out of order), a missing predecessor is waited for only up to the gap timeout, a stale command is not
 * executed, and the capacity check counts starts still in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_KEYS, formatName, type BotSpec } from '@trading/shared-types';
import { StandaloneKernel } from '../../src/bridge/standalone-kernel.js';
import { botSpec, openCommandHarness, startEngine, waitFor, type CommandHarness, type TestEngine } from './helpers.js';

/** A kernel whose starts wait at a gate the test opens: a slow venue reconciliation, without timing. */
class GatedKernel extends StandaloneKernel {
  readonly waiting: string[] = [];
  readonly calls: string[] = [];
  private opened = false;
  private readonly openers: (() => void)[] = [];

  open(): void {
    this.opened = true;
    for (const release of this.openers.splice(0)) release();
  }

  override async startBot(spec: BotSpec, lease: { fence: number }): Promise<void> {
    if (!this.opened) {
      this.waiting.push(spec.botId);
      await new Promise<void>((resolve) => this.openers.push(resolve));
    }
    await super.startBot(spec, lease);
  }

  override async pauseBot(botId: string, reason: string): Promise<void> {
    this.calls.push(`pause ${botId}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
    await super.pauseBot(botId, reason);
  }

  override async resumeBot(botId: string, reason: string): Promise<void> {
    this.calls.push(`resume ${botId}`);
    await super.resumeBot(botId, reason);
  }
}

let harness: CommandHarness;
let engine: TestEngine;
let kernel: GatedKernel;
const GAP_TIMEOUT_MS = 1500;

/** Takes `count` consecutive sequence numbers of the bot from its counter, as a sender would; returns the first. */
async function reserveSeqs(botId: string, count: number): Promise<number> {
  const last = await harness.redis.incrby(harness.keys.key(formatName(REDIS_KEYS.botCommandSeq, { botId })), count);
  return last - count + 1;
}

/** Queues a pause/resume of the bot with the given `seq`, straight onto the engine's queue; returns its command id. */
async function queueRaw(type: 'pause-bot' | 'resume-bot', botId: string, seq: number, commandId?: string): Promise<string> {
  const id = commandId ?? `raw-${type}-${botId}-${String(seq)}-${String(Date.now())}`;
  await harness.sender.sendRaw(
    'lanes-a',
    { commandId: id, engineId: 'lanes-a', botId, issuedAt: Date.now(), issuedBy: 'test', type, payload: {}, seq },
    `${id}-job-${String(Date.now())}`,
  );
  return id;
}

const callsOf = (botId: string) => kernel.calls.filter((call) => call.endsWith(` ${botId}`));
const stateOf = (botId: string) => engine.kernel.listBots().find((bot) => bot.botId === botId)?.state;

beforeAll(async () => {
  harness = await openCommandHarness();
  engine = await startEngine('lanes-a', { redisPrefix: harness.prefix, capacity: 3, commandConcurrency: 8, commandGapTimeoutMs: GAP_TIMEOUT_MS }, (id, log) => {
    kernel = new GatedKernel(id, log);
    return kernel;
  });
});

afterAll(async () => {
  await engine.service.stop();
  await harness.close();
});

describe('command lanes over BullMQ', () => {
  it('starts different bots side by side and refuses the ones past the capacity while others are in flight', async () => {
    const ids = ['g1', 'g2', 'g3', 'g4', 'g5'];
    const commands = await Promise.all(ids.map((id) => harness.sender.startBot('lanes-a', botSpec(id))));
    // One command at a time would leave a single start at the gate; in lanes every start that fits is there at once.
    await waitFor('three starts in flight together', () => kernel.waiting.length === 3, 10_000);
    await waitFor('the two past the capacity refused', () => commands.filter((id) => harness.recorder.acks(id).length === 1).length === 2, 10_000);
    const refused = commands.flatMap((id) => harness.recorder.acks(id)).map((ack) => ack.payload);
    expect(refused.every((ack) => !ack.accepted && ack.reason === 'engine is full (capacity 3)')).toBe(true);
    kernel.open();
    await waitFor('every start acknowledged', () => commands.every((id) => harness.recorder.acks(id).length === 1), 10_000);
    expect(engine.kernel.listBots().map((bot) => bot.botId).sort()).toEqual([...kernel.waiting].sort());
  });

  it('applies one bot’s commands in the order sent while another bot’s run between them', async () => {
    const [first, second] = engine.kernel.listBots().map((bot) => bot.botId);
    if (first === undefined || second === undefined) throw new Error('fixture: two running bots expected');
    const sequence: ['pause-bot' | 'resume-bot', string][] = [];
    for (let round = 0; round < 5; round += 1) {
      sequence.push(['pause-bot', first], ['pause-bot', second], ['resume-bot', first], ['resume-bot', second]);
    }
    sequence.push(['pause-bot', first]);
    // Every command goes out back to back, without waiting for any acknowledgment (as the CMS sends a user's actions).
    // BullMQ hands a worker with concurrency > 1 the jobs it fetched in parallel in the order the fetches return, so
    // two commands of one bot can reach the lanes swapped; the per-bot `seq` puts them back in order.
    const sent: string[] = [];
    for (const [type, botId] of sequence) {
      sent.push(await harness.sender.send({ engineId: 'lanes-a', botId, issuedBy: 'test', type, payload: {} }));
    }
    await waitFor('every command acknowledged', () => sent.every((id) => harness.recorder.acks(id).length === 1), 10_000);
    expect(sent.every((id) => harness.recorder.acks(id)[0]?.payload.accepted === true)).toBe(true);
    for (const botId of [first, second]) {
      const expected = sequence.filter(([, bot]) => bot === botId).map(([type]) => `${type === 'pause-bot' ? 'pause' : 'resume'} ${botId}`);
      expect(kernel.calls.filter((call) => call.endsWith(` ${botId}`))).toEqual(expected);
    }
    const states = new Map(engine.kernel.listBots().map((bot) => [bot.botId, bot.state]));
    expect(states.get(first)).toBe('PAUSED');
    expect(states.get(second)).toBe('RUNNING');
  });

  it('runs a bot’s commands in seq order when the later one is queued first', async () => {
    const botId = engine.kernel.listBots()[1]?.botId;
    if (botId === undefined || stateOf(botId) !== 'RUNNING') throw new Error('fixture: a running bot expected');
    const before = callsOf(botId).length;
    const pauseSeq = await reserveSeqs(botId, 2);
    // The resume (seq n+1) is queued first and taken by the worker before the pause (seq n) even exists.
    const resume = await queueRaw('resume-bot', botId, pauseSeq + 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.recorder.acks(resume)).toEqual([]);
    const pause = await queueRaw('pause-bot', botId, pauseSeq);
    await waitFor('both acknowledged', () => harness.recorder.acks(pause).length === 1 && harness.recorder.acks(resume).length === 1, 10_000);
    expect(callsOf(botId).slice(before)).toEqual([`pause ${botId}`, `resume ${botId}`]);
    expect(stateOf(botId)).toBe('RUNNING');
    // Well inside the gap timeout: the resume waited for its predecessor, not for the clock.
    const ackAt = (id: string) => harness.recorder.acks(id)[0]?.timestamp ?? Infinity;
    expect(ackAt(resume) - ackAt(pause)).toBeLessThan(GAP_TIMEOUT_MS / 2);
  });

  it('runs a command whose predecessor never comes after the gap timeout, and refuses the predecessor arriving later', async () => {
    const botId = engine.kernel.listBots()[1]?.botId;
    if (botId === undefined || stateOf(botId) !== 'RUNNING') throw new Error('fixture: a running bot expected');
    const before = callsOf(botId).length;
    const lostSeq = await reserveSeqs(botId, 2);
    const sentAt = Date.now();
    // seq n is "lost" (never queued): seq n+1 must not wait for it forever.
    const pause = await queueRaw('pause-bot', botId, lostSeq + 1);
    await waitFor('the pause acknowledged', () => harness.recorder.acks(pause).length === 1, 10_000);
    const ack = harness.recorder.acks(pause)[0];
    expect(ack?.payload.accepted).toBe(true);
    expect((ack?.timestamp ?? 0) - sentAt).toBeGreaterThanOrEqual(GAP_TIMEOUT_MS - 50);
    expect(callsOf(botId).slice(before)).toEqual([`pause ${botId}`]);
    // The lost one turns up after all: executing it now would act out of order, so it is acknowledged as stale.
    const late = await queueRaw('resume-bot', botId, lostSeq);
    await waitFor('the late command acknowledged', () => harness.recorder.acks(late).length === 1, 10_000);
    const lateAck = harness.recorder.acks(late)[0]?.payload;
    expect(lateAck?.accepted).toBe(false);
    expect(lateAck?.reason).toBe(
      `stale: sequence ${String(lostSeq)} of the bot arrived after ${String(lostSeq + 1)} was handled; not executed`,
    );
    expect(callsOf(botId).slice(before)).toEqual([`pause ${botId}`]);
    expect(stateOf(botId)).toBe('PAUSED');
  });

  it('acknowledges a redelivered command without executing it: same id as a duplicate, a new id at an old seq as stale', async () => {
    const botId = engine.kernel.listBots()[1]?.botId;
    if (botId === undefined || stateOf(botId) !== 'PAUSED') throw new Error('fixture: a paused bot expected');
    const seq = await reserveSeqs(botId, 1);
    const resume = await queueRaw('resume-bot', botId, seq);
    await waitFor('the resume acknowledged', () => harness.recorder.acks(resume).length === 1, 10_000);
    const pause = await harness.sender.send({ engineId: 'lanes-a', botId, issuedBy: 'test', type: 'pause-bot', payload: {} });
    await waitFor('the pause acknowledged', () => harness.recorder.acks(pause).length === 1, 10_000);
    const before = callsOf(botId).length;
    // A BullMQ redelivery of the resume (same command id, new job): the stored outcome, flagged duplicate.
    await queueRaw('resume-bot', botId, seq, resume);
    // The same resume re-sent under a new command id (an old seq): stale, not executed.
    const replay = await queueRaw('resume-bot', botId, seq);
    await waitFor('both answered', () => harness.recorder.acks(resume).length === 2 && harness.recorder.acks(replay).length === 1, 10_000);
    expect(harness.recorder.acks(resume)[1]?.payload).toMatchObject({ accepted: true, duplicate: true });
    expect(harness.recorder.acks(replay)[0]?.payload).toMatchObject({ accepted: false });
    expect(harness.recorder.acks(replay)[0]?.payload.reason).toMatch(/^stale: sequence /);
    expect(callsOf(botId).length).toBe(before);
    expect(stateOf(botId)).toBe('PAUSED');
    expect(Number(await harness.redis.get(harness.keys.key(formatName(REDIS_KEYS.botCommandDone, { botId }))))).toBe(seq + 1);
  });
});
