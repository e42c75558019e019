/** Engines as the registry shows them, scoped to the caller's exchanges; drain and kill switch (admin). */
import { REDIS_CHANNELS, type EngineInfo } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { conflict, forbidden, notFound } from '../../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import { visibleExchanges, type Principal } from '../auth/principal.js';
import { readRegistry } from './registry.js';

export interface EngineView extends EngineInfo {
  live: boolean;
}

export async function listEngines(ctx: AppContext, actor: Principal): Promise<EngineView[]> {
  const mine = visibleExchanges(actor);
  return (await readRegistry(ctx))
    .filter((e) => e.info.supportedExchanges.some((x) => mine.includes(x)))
    .map((e) => ({ ...e.info, status: e.live ? e.info.status : 'offline', live: e.live }));
}

export async function getEngine(ctx: AppContext, actor: Principal, engineId: string): Promise<EngineView> {
  const entry = (await readRegistry(ctx)).find((e) => e.info.engineId === engineId);
  if (!entry) throw notFound('engine');
  const mine = visibleExchanges(actor);
  if (!entry.info.supportedExchanges.some((x) => mine.includes(x))) throw forbidden('no access to this engine');
  return { ...entry.info, status: entry.live ? entry.info.status : 'offline', live: entry.live };
}

export async function drainEngine(ctx: AppContext, actor: Principal, engineId: string, ip: string): Promise<{ ok: true; commandId: string }> {
  const engine = await getEngine(ctx, actor, engineId);
  if (!engine.live) throw conflict('engine is offline');
  if (engine.status === 'draining') throw conflict('engine is already draining');
  const command = await ctx.commands.send({ type: 'drain-engine', engineId, botId: null, issuedBy: actor.userId, payload: {} });
  await recordAudit(ctx.db, { userId: actor.userId, action: 'engine.drain', entityType: 'engine', entityId: engineId, ip });
  return { ok: true, commandId: command.commandId };
}

/** Kill switch: one engine, or every live engine plus the cms:kill-switch broadcast when engineId is null. */
export async function killSwitch(ctx: AppContext, actor: Principal, engineId: string | null, ip: string): Promise<{ ok: true; engines: string[] }> {
  const reason = `kill switch by ${actor.email}`;
  const targets = engineId !== null ? [(await getEngine(ctx, actor, engineId)).engineId] : (await readRegistry(ctx)).filter((e) => e.live).map((e) => e.info.engineId);
  for (const target of targets) {
    await ctx.commands.send({ type: 'kill-switch', engineId: target, botId: null, issuedBy: actor.userId, payload: { reason, flatten: false } });
  }
  if (engineId === null) await ctx.redis.publish(ctx.key(REDIS_CHANNELS.killSwitch), JSON.stringify({ reason, issuedAt: Date.now(), issuedBy: actor.userId }));
  await recordAudit(ctx.db, { userId: actor.userId, action: 'engine.kill-switch', entityType: 'engine', entityId: engineId, after: { engines: targets }, ip });
  return { ok: true, engines: targets };
}
