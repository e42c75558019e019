/**
 * CMS → engine commands: one BullMQ queue per engine, `engine-commands.<engineId>`, job id = commandId (so a
 * retried send is one job). Every command is validated as EngineCommand before it leaves.
 *
 * A command of a bot carries `seq`, the bot's next number from `INCR te:command-seq:bot:<botId>`: a counter in Redis,
 * not in this process, so it keeps rising across restarts and across CMS instances. The engine executes one bot's
 * commands in that order; BullMQ's queue order alone does not survive a worker fetching jobs in parallel
 * (docs/engine-service.md, "Commands"). Engine-wide commands (drain, kill switch: no bot) carry none.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { prefixedKey } from '../../redis.js';
import { QUEUE_NAMES, REDIS_KEYS, assertValid, formatName, type EngineCommand } from '@trading/shared-types';

type CommandOf<T extends EngineCommand['type']> = Extract<EngineCommand, { type: T }>;
export type CommandDraft<T extends EngineCommand['type'] = EngineCommand['type']> = Omit<
  CommandOf<T>,
  'commandId' | 'issuedAt' | 'seq'
> & { commandId?: string };

export interface CommandBus {
  send<T extends EngineCommand['type']>(draft: CommandDraft<T>): Promise<EngineCommand>;
  close(): Promise<void>;
}

export function bullPrefix(redisPrefix: string): string {
  return prefixedKey(redisPrefix, 'bull');
}

export function createCommandBus(connection: Redis, redisPrefix: string): CommandBus {
  const queues = new Map<string, Queue>();
  const queueFor = (engineId: string): Queue => {
    let queue = queues.get(engineId);
    if (!queue) {
      queue = new Queue(formatName(QUEUE_NAMES.engineCommands, { engineId }), {
        connection,
        prefix: bullPrefix(redisPrefix),
        defaultJobOptions: { removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 86_400 } },
      });
      queues.set(engineId, queue);
    }
    return queue;
  };
  return {
    async send(draft) {
      const seq =
        draft.botId === null
          ? undefined
          : await connection.incr(prefixedKey(redisPrefix, formatName(REDIS_KEYS.botCommandSeq, { botId: draft.botId })));
      const command = assertValid('EngineCommand', {
        ...draft,
        commandId: draft.commandId ?? randomUUID(),
        issuedAt: Date.now(),
        ...(seq !== undefined ? { seq } : {}),
      });
      await queueFor(command.engineId).add(command.type, command, { jobId: command.commandId });
      return command;
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      queues.clear();
    },
  };
}
