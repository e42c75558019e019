/**
 * Bot lifecycle commands. The CMS moves the bot to the transitional state atomically (STARTING, STOPPING,
 * PAUSING) — so two racing commands cannot both pass — and sends the command; the engine reports the final state
 * (bot-state-changed), which the worker persists. With no live engine for the exchange, a start is accepted and
 * the bot waits in STARTING (assignedEngineId null) until dispatchQueuedStarts finds one.
 */
import type { BotSpec, BotState, EngineInfo } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import type { Queryable } from '../../db/client.js';
import { conflict, unprocessable } from '../../errors.js';
import { parseBlob } from '../../crypto/credentials.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Principal } from '../auth/principal.js';
import { publishInvalidation } from '../cache/live-sync.js';
import { noteStart, pickEngine, readRegistry } from '../engines/registry.js';
import { getWalletRow } from '../wallets/manage-wallets.js';
import { toBot, type BotRow } from './bot-dto.js';
import { getBotRow, getVisibleBot } from './manage-bots.js';

export type BotAction = 'start' | 'stop' | 'pause' | 'resume';

export interface ActionResult {
  ok: true;
  botId: string;
  status: BotState;
  engineId: string | null;
  queued: boolean;
}

const FROM: Record<BotAction, BotState[]> = {
  start: ['IDLE', 'STOPPED', 'ERROR', 'RISK_STOPPED'],
  stop: ['STARTING', 'RUNNING', 'PAUSING', 'PAUSED'],
  pause: ['RUNNING'],
  resume: ['PAUSED'],
};

/** Atomic state move with history; null when the bot was not in one of `from`. */
export async function transitionBot(
  q: Queryable,
  botId: string,
  from: readonly string[] | null,
  to: BotState,
  reason: string | null,
  source: 'cms' | 'engine',
  extra: { engineId?: string | null; eventId?: string } = {},
): Promise<{ from: string } | null> {
  const setEngine = extra.engineId !== undefined;
  const rows = await q.query<{ prev: string }>(
    `WITH prev AS (SELECT status FROM bots WHERE bot_id = $1 AND deleted_at IS NULL FOR UPDATE)
     UPDATE bots SET status = $2, status_reason = $3, updated_at = now()${setEngine ? ', assigned_engine_id = $5' : ''}
     WHERE bot_id = $1 AND deleted_at IS NULL AND ($4::text[] IS NULL OR status = ANY($4::text[]))
     RETURNING (SELECT status FROM prev) AS prev`,
    setEngine ? [botId, to, reason, from, extra.engineId] : [botId, to, reason, from],
  );
  const row = rows[0];
  if (!row) return null;
  await q.query('INSERT INTO bot_state_history (bot_id, from_status, to_status, reason, source, event_id) VALUES ($1,$2,$3,$4,$5,$6)', [
    botId,
    row.prev,
    to,
    reason,
    source,
    extra.eventId ?? null,
  ]);
  return { from: row.prev };
}

/**
 * The proxy wallet a Polymarket wallet was registered with (`credentials.proxyAddress`: the address that holds the
 * funds and is the orders' maker, signed for by the key in the blob), or null. The blob holds only the key, so the
 * engine learns the funder from the bot's exchangeConfig.funderAddress (bridge/live-accounts.ts); without it the
 * bot would trade from the key's own address.
 */
function polymarketFunder(wallet: { credentialKeys: string[]; publicAddress: string | null }, exchange: string): string | null {
  if (exchange !== 'polymarket' || !wallet.credentialKeys.includes('proxyAddress')) return null;
  return wallet.publicAddress;
}

export async function buildBotSpec(ctx: AppContext, bot: BotRow): Promise<BotSpec> {
  let encryptedCredentials: string | null = null;
  let funderAddress: string | null = null;
  if (bot.mode === 'live') {
    if (bot.walletId === null) throw unprocessable('a live bot needs a wallet', [{ field: 'walletId', message: 'walletId: is required for live mode' }]);
    const wallet = await getWalletRow(ctx, bot.walletId);
    if (parseBlob(wallet.encryptedCredentials) === null) {
      throw unprocessable('the wallet credentials are not a valid aes256gcm blob (see docs/api.md); a live bot cannot start', [
        { field: 'walletId', message: 'walletId: wallet credentials are not a valid aes256gcm blob' },
      ]);
    }
    // Still sealed: only the engine, which shares ENCRYPTION_KEY, opens it.
    encryptedCredentials = wallet.encryptedCredentials;
    funderAddress = polymarketFunder(wallet, bot.exchange);
  }
  const bot_ = toBot(bot);
  return {
    botId: bot_.botId,
    name: bot_.name,
    exchange: bot_.exchange,
    strategy: bot_.strategy,
    mode: bot_.mode,
    config: bot_.config,
    // A funderAddress set on the bot itself wins over the wallet's proxy.
    exchangeConfig: funderAddress === null || bot_.exchangeConfig.funderAddress !== undefined ? bot_.exchangeConfig : { ...bot_.exchangeConfig, funderAddress },
    riskLimits: bot_.riskLimits,
    walletId: bot_.walletId ?? null,
    encryptedCredentials,
  };
}

async function sendStart(ctx: AppContext, bot: BotRow, engine: EngineInfo, issuedBy: string | null): Promise<void> {
  const spec = await buildBotSpec(ctx, bot);
  await ctx.commands.send({ type: 'start-bot', engineId: engine.engineId, botId: bot.botId, issuedBy, payload: { bot: spec } });
}

export async function controlBot(ctx: AppContext, actor: Principal, botId: string, action: BotAction, ip: string): Promise<ActionResult> {
  const bot = await getVisibleBot(ctx, actor, botId);
  let result: ActionResult;
  if (action === 'start') {
    if (bot.status === 'PAUSED') return controlBot(ctx, actor, botId, 'resume', ip);
    await buildBotSpec(ctx, bot); // fail fast (422) before changing state
    const registry = await readRegistry(ctx);
    const engine = pickEngine(registry, bot.exchange as BotSpec['exchange']);
    const reason = engine ? null : `waiting for a live engine that supports ${bot.exchange}`;
    const moved = await ctx.db.transaction((q) => transitionBot(q, botId, FROM.start, 'STARTING', reason, 'cms', { engineId: engine?.engineId ?? null }));
    if (!moved) throw conflict(`cannot start a bot in status ${bot.status}`);
    if (engine) {
      await noteStart(ctx, registry, engine.engineId, botId);
      await sendStart(ctx, { ...bot, assignedEngineId: engine.engineId }, engine, actor.userId);
    }
    result = { ok: true, botId, status: 'STARTING', engineId: engine?.engineId ?? null, queued: engine === null };
  } else if (action === 'stop' && bot.assignedEngineId === null) {
    // Queued start that never reached an engine: nothing to tell anyone.
    const moved = await ctx.db.transaction((q) => transitionBot(q, botId, FROM.stop, 'STOPPED', 'stopped before an engine took it', 'cms'));
    if (!moved) throw conflict(`cannot stop a bot in status ${bot.status}`);
    result = { ok: true, botId, status: 'STOPPED', engineId: null, queued: false };
  } else {
    const to: BotState = action === 'stop' ? 'STOPPING' : action === 'pause' ? 'PAUSING' : 'STARTING';
    const engineId = bot.assignedEngineId;
    if (engineId === null) throw conflict(`cannot ${action} a bot that no engine runs`);
    const moved = await ctx.db.transaction((q) => transitionBot(q, botId, FROM[action], to, null, 'cms'));
    if (!moved) throw conflict(`cannot ${action} a bot in status ${bot.status}`);
    const base = { engineId, botId, issuedBy: actor.userId };
    if (action === 'stop') await ctx.commands.send({ ...base, type: 'stop-bot', payload: { reason: `stopped by ${actor.email}` } });
    else if (action === 'pause') await ctx.commands.send({ ...base, type: 'pause-bot', payload: { reason: `paused by ${actor.email}` } });
    else await ctx.commands.send({ ...base, type: 'resume-bot', payload: {} });
    result = { ok: true, botId, status: to, engineId, queued: false };
  }
  await recordAudit(ctx.db, {
    userId: actor.userId,
    action: `bot.${action}`,
    entityType: 'bot',
    entityId: botId,
    exchange: bot.exchange,
    before: { status: bot.status },
    after: { status: result.status, engineId: result.engineId },
    ip,
  });
  return result;
}

/** Hand queued starts (STARTING, no engine) to a live engine when one appears. Returns how many were sent. */
export async function dispatchQueuedStarts(ctx: AppContext): Promise<number> {
  const waiting = await ctx.db.query<{ bot_id: string }>(
    "SELECT bot_id FROM bots WHERE status = 'STARTING' AND assigned_engine_id IS NULL AND deleted_at IS NULL ORDER BY updated_at LIMIT 100",
  );
  if (waiting.length === 0) return 0;
  const registry = await readRegistry(ctx);
  const progress = { claimed: 0 };
  try {
    return await dispatchTo(ctx, waiting, registry, progress);
  } finally {
    // This runs outside any API request (worker timer / engine appearance): cached bot lists must hear of it.
    if (progress.claimed > 0) await publishInvalidation(ctx, ['bots']);
  }
}

async function dispatchTo(
  ctx: AppContext,
  waiting: { bot_id: string }[],
  registry: Awaited<ReturnType<typeof readRegistry>>,
  progress: { claimed: number },
): Promise<number> {
  let sent = 0;
  for (const { bot_id } of waiting) {
    const bot = await getBotRow(ctx, bot_id);
    const engine = pickEngine(registry, bot.exchange as BotSpec['exchange']);
    if (!engine) continue;
    const claimed = await ctx.db.query(
      "UPDATE bots SET assigned_engine_id = $2, status_reason = NULL, updated_at = now() WHERE bot_id = $1 AND status = 'STARTING' AND assigned_engine_id IS NULL RETURNING bot_id",
      [bot_id, engine.engineId],
    );
    if (claimed.length === 0) continue;
    progress.claimed += 1;
    await noteStart(ctx, registry, engine.engineId, bot_id);
    try {
      await sendStart(ctx, { ...bot, assignedEngineId: engine.engineId }, engine, null);
      sent += 1;
    } catch (error) {
      await ctx.db.transaction((q) => transitionBot(q, bot_id, ['STARTING'], 'ERROR', `start failed: ${error instanceof Error ? error.message : String(error)}`, 'cms'));
    }
  }
  return sent;
}
