/**
 * Commands run side by side across bots and in order within one bot, through BullMQ against real Redis: starts
 * (adoptions after a failover) of different bots overlap instead of queueing behind each other's venue round trips,
 * one bot's pause/resume sequence applies in the order sent, and the capacity check counts starts still in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotSpec } from '@trading/shared-types';
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

beforeAll(async () => {
  harness = await openCommandHarness();
  engine = await startEngine('lanes-a', { redisPrefix: harness.prefix, capacity: 3, commandConcurrency: 8 }, (id, log) => {
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
    // The two bots' commands go out back to back; one bot's next command only after its previous one was
    // acknowledged. Two commands of one bot sent without waiting can reach the lanes swapped: BullMQ hands a worker
    // with concurrency > 1 the jobs it fetched in parallel in the order the fetches return (docs/engine-service.md,
    // "Commands": known limit).
    const sent: string[] = [];
    const lastOf = new Map<string, string>();
    for (const [type, botId] of sequence) {
      const previous = lastOf.get(botId);
      if (previous !== undefined) await waitFor('the bot’s previous command acknowledged', () => harness.recorder.acks(previous).length === 1, 10_000);
      const id = await harness.sender.send({ engineId: 'lanes-a', botId, issuedBy: 'test', type, payload: {} });
      lastOf.set(botId, id);
      sent.push(id);
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
});
