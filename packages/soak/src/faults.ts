/**
 * Carries out a fault schedule against a running platform, one step after the other at its offset, and records
 * what the reconciliation needs: when Redis went down and came back, which bots each killed engine ran, how long
 * each restarted part took to work again.
 */
import type { EngineEvent } from '@trading/shared-types';
import { countProcessedEvents } from './ledgers.js';
import type { Platform } from './platform.js';
import type { EngineKill, PartRestart, RedisOutage } from './reconcile.js';
import { describeStep, type FaultStep } from './schedule.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface FaultLog {
  redisOutages: RedisOutage[];
  engineKills: EngineKill[];
  restarts: PartRestart[];
  /** Steps that could not be carried out, with the reason. */
  errors: string[];
}

/** Bots whose last state report came from `engineId` and was RUNNING: what a kill of that engine takes away. */
export function runningOn(events: Iterable<EngineEvent>, engineId: string): string[] {
  const last = new Map<string, EngineEvent>();
  for (const e of events) {
    if (e.type !== 'bot-state-changed' || e.botId === null) continue;
    const seen = last.get(e.botId);
    if (!seen || e.timestamp >= seen.timestamp) last.set(e.botId, e);
  }
  return [...last.values()].filter((e) => e.engineId === engineId && e.type === 'bot-state-changed' && e.payload.to === 'RUNNING').flatMap((e) => (e.botId === null ? [] : [e.botId]));
}

async function simPost(simUrl: string, path: string, body: unknown = {}): Promise<void> {
  const response = await fetch(`${simUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status}`);
}

export async function runSchedule(
  platform: Platform,
  steps: FaultStep[],
  events: () => Iterable<EngineEvent>,
  say: (line: string) => void,
): Promise<FaultLog> {
  const log: FaultLog = { redisOutages: [], engineKills: [], restarts: [], errors: [] };
  const start = Date.now();
  for (const step of steps) {
    const wait = start + step.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    say(`fault ${describeStep(step)}`);
    try {
      await runStep(platform, step, events, log);
    } catch (error) {
      const message = `${describeStep(step)}: ${error instanceof Error ? error.message : String(error)}`;
      log.errors.push(message);
      say(`fault FAILED ${message}`);
    }
  }
  return log;
}

async function runStep(platform: Platform, step: FaultStep, events: () => Iterable<EngineEvent>, log: FaultLog): Promise<void> {
  switch (step.kind) {
    case 'redis-stop': {
      const stoppedAt = Date.now();
      await platform.stopRedis();
      await sleep(step.downMs);
      const restartedAt = Date.now();
      await platform.startRedis();
      log.redisOutages.push({ stoppedAt, restartedAt });
      return;
    }
    case 'engine-kill': {
      // The engine running more bots dies (the seeded index breaks a tie): killing an idle engine proves nothing.
      const counts = [0, 1].map((i) => runningOn(events(), platform.engineId(i)).length);
      const index = (counts[0] ?? 0) === (counts[1] ?? 0) ? step.engine : (counts[0] ?? 0) > (counts[1] ?? 0) ? 0 : 1;
      const engineId = platform.engineId(index);
      const botIds = runningOn(events(), engineId);
      const killedAt = Date.now();
      await platform.stopPart(index === 0 ? 'engine-0' : 'engine-1', 'SIGKILL');
      log.engineKills.push({ engineId, killedAt, botIds });
      await sleep(step.restartAfterMs);
      await platform.startPart(index === 0 ? 'engine-0' : 'engine-1');
      return;
    }
    case 'backend-restart': {
      const at = Date.now();
      await platform.stopPart('cms-backend', 'SIGTERM');
      await platform.startPart('cms-backend');
      log.restarts.push({ kind: step.kind, at, recoveredMs: Date.now() - at });
      return;
    }
    case 'workers-restart': {
      const at = Date.now();
      await platform.stopPart('workers', 'SIGTERM');
      const before = await countProcessedEvents(platform.databaseUrl);
      await platform.startPart('workers');
      // Working again = the first event persisted by the new process (the engines publish several per second).
      let recoveredMs: number | null = null;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if ((await countProcessedEvents(platform.databaseUrl)) > before) {
          recoveredMs = Date.now() - at;
          break;
        }
        await sleep(100);
      }
      log.restarts.push({ kind: step.kind, at, recoveredMs });
      return;
    }
    case 'ws-drop':
      if (step.venue === 'okx') await simPost(platform.simUrl, '/admin/okx/faults/drop-connections', step.connection === 'all' ? {} : { kind: step.connection });
      else await simPost(platform.simUrl, '/admin/polymarket/drop-ws');
      return;
    case 'sequence-gap':
      await simPost(platform.simUrl, '/admin/okx/faults/skip-sequence', { instId: step.instId });
      return;
    case 'rate-limit':
      await simPost(platform.simUrl, step.venue === 'okx' ? '/admin/okx/faults/rate-limit' : '/admin/polymarket/rate-limit', { count: step.count });
      return;
    case 'order-timeout':
      if (step.venue === 'okx') await simPost(platform.simUrl, '/admin/okx/faults/timeout-next-order', step.delayMs === null ? {} : { delayMs: step.delayMs });
      else await simPost(platform.simUrl, '/admin/polymarket/timeout-next-order', { holdMs: step.delayMs ?? 30_000 });
      return;
  }
}
