/**
 * CMS → engine commands: a BullMQ worker on `engine-commands.<engineId>` (job id = commandId). Each job is
 * validated as an EngineCommand (a malformed one is rejected with the field named; the job still completes, so a
 * poison message never loops or crashes the engine), de-duplicated on `te:command-seen:<engineId>:<commandId>`
 * (SET NX: the same command id twice does one thing), executed, and answered with a command-acknowledged event.
 * Up to `concurrency` commands run at once, ordered by CommandLanes: one bot's commands one after another in the
 * order of their per-bot sequence number (`seq`, set by the sender), different bots' side by side, engine-wide
 * commands alone. The highest sequence number handled per bot is kept in Redis (`te:command-done:bot:<botId>`), so a
 * restarted or adopting engine continues the bot's sequence instead of waiting on a gap or re-running old commands.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  QUEUE_NAMES,
  REDIS_KEYS,
  formatName,
  validate,
  type EngineCommand,
  type EngineEvent,
  type Exchange,
} from '@trading/shared-types';
import type { Logger } from '../service/logger.js';
import type { EngineMetrics } from '../service/metrics.js';
import { CommandLanes, type LanePosition } from './command-lanes.js';
import type { KeySpace } from './redis-connection.js';

const SEEN_TTL_SECONDS = 7 * 24 * 3600;

/** Raises the bot's handled-sequence mark, never lowers it (two engines may both answer a command around a hand-over). */
const RAISE_DONE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`;

export interface CommandOutcome {
  accepted: boolean;
  reason?: string;
  exchange?: Exchange | null;
}

export type CommandExecutor = (command: EngineCommand) => Promise<CommandOutcome>;

export interface CommandConsumerOptions {
  engineId: string;
  redis: Redis;
  /** A connection for BullMQ only (maxRetriesPerRequest: null; the worker blocks on a duplicate of it). */
  connection: Redis;
  keys: KeySpace;
  execute: CommandExecutor;
  emit: (event: EngineEvent) => void;
  /** Commands in flight at once (default 1: strictly one after another). */
  concurrency?: number;
  /** The longest a bot's command waits for its missing predecessor (default 3000 ms). */
  gapTimeoutMs?: number;
  metrics: EngineMetrics;
  log: Logger;
}

export function commandQueueName(engineId: string): string {
  return formatName(QUEUE_NAMES.engineCommands, { engineId });
}

function stringField(data: unknown, field: string): string | null {
  if (data === null || typeof data !== 'object') return null;
  const value = (data as Record<string, unknown>)[field];
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : null;
}

export class CommandConsumer {
  private worker: Worker | null = null;
  readonly lanes: CommandLanes;

  constructor(private readonly options: CommandConsumerOptions) {
    this.lanes = new CommandLanes({
      ...(options.gapTimeoutMs !== undefined ? { gapTimeoutMs: options.gapTimeoutMs } : {}),
      loadCursor: async (botId) => Number(await options.redis.get(this.doneKey(botId))) || 0,
      onLoadError: (botId, error) => {
        options.log.warn(
          { botId, error: error instanceof Error ? error.message : String(error) },
          'command sequence of the bot unreadable: its lowest waiting command runs first',
        );
      },
    });
  }

  private doneKey(botId: string): string {
    return this.options.keys.key(formatName(REDIS_KEYS.botCommandDone, { botId }));
  }

  start(): void {
    const { engineId, connection, keys, log } = this.options;
    // With concurrency > 1 the worker fetches jobs in parallel and hands them over in the order the fetches return,
    // not always queue order: the lanes restore one bot's order from the sequence numbers the sender set.
    this.worker = new Worker(
      commandQueueName(engineId),
      async (job: Job) => this.handle(job.data, job.id ?? null),
      {
        connection,
        prefix: keys.bullPrefix,
        concurrency: Math.max(1, this.options.concurrency ?? 1),
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 86_400 },
      },
    );
    this.worker.on('error', (error) => {
      log.warn({ error: error.message }, 'command worker error');
    });
  }

  async close(): Promise<void> {
    await this.worker?.close(true);
    this.worker = null;
  }

  /** Never throws: every outcome, including a malformed command, becomes an acknowledgement. */
  async handle(data: unknown, jobId: string | null): Promise<CommandOutcome> {
    const { metrics, log, engineId } = this.options;
    const rawType = stringField(data, 'type') ?? 'unknown';
    const commandId = stringField(data, 'commandId') ?? jobId ?? 'unknown';
    const botId = stringField(data, 'botId');
    const result = validate('EngineCommand', data);
    if (!result.ok) {
      const reason = `invalid command: ${result.issues
        .slice(0, 5)
        .map((issue) => issue.message)
        .join('; ')}`.slice(0, 500);
      metrics.commands.inc({ type: rawType.slice(0, 32), outcome: 'invalid' });
      log.warn(
        { commandId, commandType: rawType, issues: result.issues.slice(0, 5) },
        'command rejected: fails the EngineCommand schema',
      );
      this.ack(
        { commandId, commandType: rawType.slice(0, 64), botId, exchange: null },
        { accepted: false, reason },
        false,
      );
      return { accepted: false, reason };
    }
    const command = result.value;
    const base = {
      commandId: command.commandId,
      commandType: command.type,
      botId: command.botId,
      exchange: null,
    };
    if (command.engineId !== engineId) {
      const reason = `engineId: command is for engine ${command.engineId}, this is ${engineId}`;
      metrics.commands.inc({ type: command.type, outcome: 'rejected' });
      this.ack(base, { accepted: false, reason }, false);
      return { accepted: false, reason };
    }
    return this.lanes.run(command.botId, command.seq ?? null, (position) =>
      this.executeInLane(command, base, position),
    );
  }

  /**
   * A valid command for this engine, at its turn in its lane: de-duplicated, executed (a stale one is not),
   * acknowledged; a sequenced one then raises the bot's handled mark in Redis.
   */
  private async executeInLane(
    command: EngineCommand,
    base: { commandId: string; commandType: string; botId: string | null; exchange: null },
    position: LanePosition,
  ): Promise<CommandOutcome> {
    const outcome = await this.decide(command, base, position);
    if ((position.kind === 'next' || position.kind === 'gap') && command.botId !== null) {
      // Awaited inside the lane: the lane may close after this command, and the next one reads the mark afresh.
      await this.options.redis
        .eval(RAISE_DONE, 1, this.doneKey(command.botId), String(position.seq))
        .catch((error: unknown) => {
          this.options.log.warn(
            { botId: command.botId, seq: position.seq, error: error instanceof Error ? error.message : String(error) },
            'command sequence mark not stored',
          );
        });
    }
    return outcome;
  }

  private async decide(
    command: EngineCommand,
    base: { commandId: string; commandType: string; botId: string | null; exchange: null },
    position: LanePosition,
  ): Promise<CommandOutcome> {
    const { metrics, log, engineId } = this.options;
    const seenKey = this.options.keys.key(
      formatName(REDIS_KEYS.commandSeen, { engineId, commandId: command.commandId }),
    );
    const fresh = await this.options.redis.set(seenKey, 'pending', 'EX', SEEN_TTL_SECONDS, 'NX');
    if (fresh === null) {
      const previous = parseOutcome(await this.options.redis.get(seenKey));
      metrics.commands.inc({ type: command.type, outcome: 'duplicate' });
      log.info(
        { commandId: command.commandId, commandType: command.type },
        'duplicate command: not executed again',
      );
      this.ack(base, previous, true);
      return previous;
    }
    if (position.kind === 'stale') {
      // At or below the last handled number: a redelivery whose seen marker is gone, or a command that came after
      // its successor ran without it (gap timeout). Executing it now would undo a later command, so it is refused.
      const outcome: CommandOutcome = {
        accepted: false,
        reason: `stale: sequence ${String(position.seq)} of the bot arrived after ${String(position.last)} was handled; not executed`,
      };
      metrics.commands.inc({ type: command.type, outcome: 'stale' });
      log.warn(
        { commandId: command.commandId, commandType: command.type, botId: command.botId, seq: position.seq, last: position.last },
        'stale command: not executed',
      );
      await this.options.redis
        .set(seenKey, JSON.stringify(outcome), 'EX', SEEN_TTL_SECONDS)
        .catch(() => undefined);
      this.ack(base, outcome, false);
      return outcome;
    }
    if (position.kind === 'gap') {
      log.warn(
        {
          commandId: command.commandId,
          commandType: command.type,
          botId: command.botId,
          seq: position.seq,
          expected: position.expected,
          waitedMs: position.waitedMs,
          why: position.why,
        },
        position.why === 'timeout'
          ? 'command runs without its predecessor: it did not arrive within the gap timeout'
          : 'command runs without its predecessor: an engine-wide command was taken after it',
      );
    }
    let outcome: CommandOutcome;
    try {
      outcome = await this.options.execute(command);
    } catch (error) {
      outcome = {
        accepted: false,
        reason: (error instanceof Error ? error.message : String(error)).slice(0, 500),
      };
    }
    metrics.commands.inc({ type: command.type, outcome: outcome.accepted ? 'accepted' : 'rejected' });
    log.info(
      {
        commandId: command.commandId,
        commandType: command.type,
        botId: command.botId,
        accepted: outcome.accepted,
        reason: outcome.reason,
      },
      'command handled',
    );
    await this.options.redis
      .set(seenKey, JSON.stringify(outcome), 'EX', SEEN_TTL_SECONDS)
      .catch(() => undefined);
    this.ack({ ...base, exchange: outcome.exchange ?? null }, outcome, false);
    return outcome;
  }

  private ack(
    command: { commandId: string; commandType: string; botId: string | null; exchange: Exchange | null },
    outcome: CommandOutcome,
    duplicate: boolean,
  ): void {
    this.options.emit({
      eventId: 'pending',
      engineId: this.options.engineId,
      exchange: command.exchange,
      botId: command.botId,
      timestamp: Date.now(),
      seq: 0,
      type: 'command-acknowledged',
      payload: {
        commandId: command.commandId,
        commandType: command.commandType,
        accepted: outcome.accepted,
        ...(outcome.reason !== undefined ? { reason: outcome.reason.slice(0, 500) } : {}),
        ...(duplicate ? { duplicate: true } : {}),
      },
    });
  }
}

function parseOutcome(text: string | null): CommandOutcome {
  if (text === null || text === 'pending') return { accepted: true, reason: 'already being handled' };
  try {
    const parsed = JSON.parse(text) as Partial<CommandOutcome>;
    return {
      accepted: parsed.accepted === true,
      ...(typeof parsed.reason === 'string' ? { reason: parsed.reason } : {}),
    };
  } catch {
    return { accepted: true, reason: 'already handled' };
  }
}
