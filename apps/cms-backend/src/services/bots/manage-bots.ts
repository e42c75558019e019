/** Bot CRUD: create (README body), read, update (a running bot also gets update-bot-config), delete. */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Bot, CreateBotRequest, UpdateBotRequest } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { bots } from '../../db/schema.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertExchange, type Principal } from '../auth/principal.js';
import { findStrategy } from '../strategies/catalogue.js';
import { getWalletRow } from '../wallets/manage-wallets.js';
import { normalizeConfig, toBot, type BotRow } from './bot-dto.js';

export const DELETABLE = ['IDLE', 'STOPPED', 'ERROR', 'RISK_STOPPED'];
const ACTIVE = ['STARTING', 'RUNNING', 'PAUSING', 'PAUSED'];

export async function getBotRow(ctx: AppContext, botId: string): Promise<BotRow> {
  const [row] = await ctx.db.orm.select().from(bots).where(and(eq(bots.botId, botId), isNull(bots.deletedAt)));
  if (!row) throw notFound('bot');
  return row;
}

/** A bot the caller may see (404 if missing, 403 outside its exchanges). */
export async function getVisibleBot(ctx: AppContext, actor: Principal, botId: string): Promise<BotRow> {
  const row = await getBotRow(ctx, botId);
  assertExchange(actor, row.exchange);
  return row;
}

async function checkWallet(ctx: AppContext, walletId: string | null | undefined, exchange: string): Promise<void> {
  if (walletId === undefined || walletId === null) return;
  const wallet = await getWalletRow(ctx, walletId);
  if (wallet.exchange !== exchange) throw conflict(`wallet ${walletId} is for ${wallet.exchange}, not ${exchange}`);
  if (!wallet.isActive) throw conflict('wallet is inactive');
}

export async function createBot(ctx: AppContext, actor: Principal, body: CreateBotRequest, ip: string): Promise<Bot> {
  assertExchange(actor, body.exchange);
  const strategy = findStrategy(body.strategy);
  if (!strategy) throw unprocessable(`unknown strategy ${body.strategy}`, [{ field: 'strategy', message: 'strategy: unknown strategy' }]);
  if (!strategy.supportedExchanges.includes(body.exchange)) {
    throw unprocessable(`strategy ${body.strategy} does not support ${body.exchange}`, [{ field: 'strategy', message: `strategy: not available on ${body.exchange}` }]);
  }
  if (body.mode === 'live' && !body.walletId) throw unprocessable('a live bot needs a wallet', [{ field: 'walletId', message: 'walletId: is required for live mode' }]);
  await checkWallet(ctx, body.walletId, body.exchange);
  const config = normalizeConfig(body.strategy, body.config ?? {});
  const exchangeConfig = (body.exchangeConfig ?? {}) as Record<string, unknown>;
  return ctx.db.transaction(async (q) => {
    const botId = randomUUID();
    await q.query(
      `INSERT INTO bots (bot_id, name, description, exchange, strategy, mode, status, wallet_id, config, exchange_config, risk_limits, tags, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,'IDLE',$7,$8,$9,$10,$11,$12)`,
      [botId, body.name, body.description ?? null, body.exchange, body.strategy, body.mode, body.walletId ?? null, JSON.stringify(config), JSON.stringify(exchangeConfig), JSON.stringify(body.riskLimits), body.tags ?? [], actor.userId],
    );
    await q.query("INSERT INTO bot_state_history (bot_id, from_status, to_status, reason, source) VALUES ($1, NULL, 'IDLE', 'created', 'cms')", [botId]);
    const now = new Date().toISOString();
    const bot: Bot = {
      botId,
      name: body.name,
      ...(body.description !== undefined ? { description: body.description } : {}),
      exchange: body.exchange,
      strategy: body.strategy,
      mode: body.mode,
      status: 'IDLE',
      statusReason: null,
      walletId: body.walletId ?? null,
      config,
      exchangeConfig,
      riskLimits: body.riskLimits,
      assignedEngineId: null,
      tags: body.tags ?? [],
      createdBy: actor.userId,
      createdAt: now,
      updatedAt: now,
    };
    await recordAudit(q, { userId: actor.userId, action: 'bot.create', entityType: 'bot', entityId: botId, exchange: body.exchange, after: bot, ip });
    return bot;
  });
}

export async function updateBot(ctx: AppContext, actor: Principal, botId: string, body: UpdateBotRequest, ip: string): Promise<Bot> {
  const before = await getVisibleBot(ctx, actor, botId);
  if (body.mode !== undefined && body.mode !== before.mode && ACTIVE.includes(before.status)) throw conflict('stop the bot before changing its mode');
  if (body.walletId !== undefined && body.walletId !== before.walletId && ACTIVE.includes(before.status)) throw conflict('stop the bot before changing its wallet');
  await checkWallet(ctx, body.walletId, before.exchange);
  const config = body.config !== undefined ? normalizeConfig(before.strategy, body.config) : undefined;
  const [after] = await ctx.db.orm
    .update(bots)
    .set({
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.walletId !== undefined ? { walletId: body.walletId } : {}),
      ...(body.mode !== undefined ? { mode: body.mode } : {}),
      ...(config !== undefined ? { config } : {}),
      ...(body.exchangeConfig !== undefined ? { exchangeConfig: body.exchangeConfig } : {}),
      ...(body.riskLimits !== undefined ? { riskLimits: body.riskLimits as unknown as Record<string, unknown> } : {}),
      ...(body.tags !== undefined ? { tags: body.tags } : {}),
      updatedAt: new Date(),
    })
    .where(eq(bots.botId, botId))
    .returning();
  if (!after) throw notFound('bot');
  if ((config !== undefined || body.riskLimits !== undefined) && after.assignedEngineId !== null && ACTIVE.includes(after.status)) {
    await ctx.commands.send({
      type: 'update-bot-config',
      engineId: after.assignedEngineId,
      botId,
      issuedBy: actor.userId,
      payload: { ...(config !== undefined ? { config } : {}), ...(body.riskLimits !== undefined ? { riskLimits: body.riskLimits } : {}) },
    });
  }
  await recordAudit(ctx.db, { userId: actor.userId, action: 'bot.update', entityType: 'bot', entityId: botId, exchange: before.exchange, before: toBot(before), after: toBot(after), ip });
  return toBot(after);
}

export async function deleteBot(ctx: AppContext, actor: Principal, botId: string, ip: string): Promise<void> {
  const before = await getVisibleBot(ctx, actor, botId);
  await ctx.db.transaction(async (q) => {
    const rows = await q.query('UPDATE bots SET deleted_at = now() WHERE bot_id = $1 AND status = ANY($2) AND deleted_at IS NULL RETURNING bot_id', [botId, DELETABLE]);
    if (rows.length === 0) throw conflict(`cannot delete a bot in status ${before.status}`);
    await recordAudit(q, { userId: actor.userId, action: 'bot.delete', entityType: 'bot', entityId: botId, exchange: before.exchange, before: toBot(before), ip });
  });
}
