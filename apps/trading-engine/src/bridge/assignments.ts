/**
 * Bot assignments in Redis (`te:assign:bot:<id>`): which engine runs a bot, the BotSpec it runs, the fencing token
 * and whether it should be running. It outlives the engine, so a survivor can adopt the bot after its owner died.
 */
import type { Redis } from 'ioredis';
import { REDIS_KEYS, formatName, validate, type BotSpec } from '@trading/shared-types';
import type { KeySpace } from './redis-connection.js';

export interface Assignment {
  botId: string;
  engineId: string;
  fence: number;
  desired: 'running' | 'paused';
  spec: BotSpec;
  updatedAt: number;
}

const REMOVE_IF = `
local text = redis.call('GET', KEYS[1])
if not text then return 0 end
local current = cjson.decode(text)
if current.engineId ~= ARGV[1] or tostring(current.fence) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

export class AssignmentStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  key(botId: string): string {
    return this.keys.key(formatName(REDIS_KEYS.botAssignment, { botId }));
  }

  async put(assignment: Assignment): Promise<void> {
    await this.redis.set(this.key(assignment.botId), JSON.stringify(assignment));
  }

  async get(botId: string): Promise<Assignment | null> {
    return parseAssignment(await this.redis.get(this.key(botId)));
  }

  async remove(botId: string): Promise<void> {
    await this.redis.del(this.key(botId));
  }

  /**
   * Removes the assignment only while it still names `engineId` with `fence` (a reaper may hand it over meanwhile:
   * then the hand-over wins and this answers false).
   */
  async removeIf(botId: string, engineId: string, fence: number): Promise<boolean> {
    const removed = (await this.redis.eval(REMOVE_IF, 1, this.key(botId), engineId, String(fence))) as number;
    return removed === 1;
  }

  /** Every assignment (SCAN; only used by the reaper, which runs when an engine is missing and on a slow sweep). */
  async all(): Promise<Assignment[]> {
    const pattern = this.key('*');
    const out: Assignment[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        const texts = await this.redis.mget(...keys);
        for (const text of texts) {
          const assignment = parseAssignment(text);
          if (assignment) out.push(assignment);
        }
      }
    } while (cursor !== '0');
    return out;
  }
}

function parseAssignment(text: string | null): Assignment | null {
  if (text === null) return null;
  try {
    const raw = JSON.parse(text) as Partial<Assignment>;
    const spec = validate('BotSpec', raw.spec);
    if (
      !spec.ok ||
      typeof raw.botId !== 'string' ||
      typeof raw.engineId !== 'string' ||
      typeof raw.fence !== 'number'
    )
      return null;
    return {
      botId: raw.botId,
      engineId: raw.engineId,
      fence: raw.fence,
      desired: raw.desired === 'paused' ? 'paused' : 'running',
      spec: spec.value,
      updatedAt: typeof raw.updatedAt === 'number' ? raw.updatedAt : 0,
    };
  } catch {
    return null;
  }
}
