/**
 * Manual orders and cancels go through the bot's engine (place-order / cancel-order commands). The CMS records a
 * manual order as PENDING at once so it shows in lists; the engine's order-updated events move it forward.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { isTerminalOrderStatus, type ManualOrderRequest, type OrderStatus } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { orders } from '../../db/schema.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertExchange, type Principal } from '../auth/principal.js';
import { getVisibleBot } from '../bots/manage-bots.js';
import { serialize } from '../lists/paginate.js';

export async function placeManualOrder(ctx: AppContext, actor: Principal, body: ManualOrderRequest, ip: string): Promise<Record<string, unknown>> {
  const bot = await getVisibleBot(ctx, actor, body.botId);
  if (bot.status !== 'RUNNING' || bot.assignedEngineId === null) throw conflict(`bot is ${bot.status}; manual orders need a RUNNING bot`);
  if (!body.instrumentId.startsWith(`${bot.exchange}:`)) {
    throw unprocessable(`instrument ${body.instrumentId} is not on ${bot.exchange}`, [{ field: 'instrumentId', message: `instrumentId: must be a ${bot.exchange} instrument` }]);
  }
  if (body.type !== 'MARKET' && body.price === undefined) throw unprocessable('a non-market order needs a price', [{ field: 'price', message: 'price: is required unless type is MARKET' }]);
  if (bot.exchange === 'polymarket' && body.outcome === undefined) throw unprocessable('a Polymarket order needs an outcome', [{ field: 'outcome', message: 'outcome: is required on polymarket' }]);
  const clientOrderId = `m${randomBytes(12).toString('hex')}`;
  const now = new Date();
  const [row] = await ctx.db.orm
    .insert(orders)
    .values({
      orderId: clientOrderId,
      clientOrderId,
      exchange: bot.exchange,
      botId: bot.botId,
      instrumentId: body.instrumentId,
      outcome: body.outcome ?? null,
      side: body.side,
      type: body.type,
      price: body.price ?? null,
      quantity: body.quantity,
      filledQuantity: '0',
      status: 'PENDING',
      source: 'manual',
      mode: bot.mode,
      reduceOnly: body.reduceOnly ?? null,
      leverage: body.leverage ?? null,
      marginMode: body.marginMode ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error('order insert returned nothing');
  await ctx.commands.send({
    type: 'place-order',
    engineId: bot.assignedEngineId,
    botId: bot.botId,
    issuedBy: actor.userId,
    payload: {
      clientOrderId,
      instrumentId: body.instrumentId,
      side: body.side,
      type: body.type,
      quantity: body.quantity,
      ...(body.price !== undefined ? { price: body.price } : {}),
      ...(body.outcome !== undefined ? { outcome: body.outcome } : {}),
      ...(body.reduceOnly !== undefined ? { reduceOnly: body.reduceOnly } : {}),
    },
  });
  const order = serialize(row);
  await recordAudit(ctx.db, { userId: actor.userId, action: 'order.place', entityType: 'order', entityId: clientOrderId, exchange: bot.exchange, after: order, ip });
  return order;
}

export async function getOrder(ctx: AppContext, actor: Principal, orderId: string): Promise<Record<string, unknown>> {
  const [row] = await ctx.db.orm.select().from(orders).where(eq(orders.orderId, orderId));
  if (!row) throw notFound('order');
  assertExchange(actor, row.exchange);
  return serialize(row);
}

export async function cancelOrder(ctx: AppContext, actor: Principal, orderId: string, ip: string): Promise<{ ok: true; orderId: string; commandId: string }> {
  const [row] = await ctx.db.orm.select().from(orders).where(eq(orders.orderId, orderId));
  if (!row) throw notFound('order');
  assertExchange(actor, row.exchange);
  if (isTerminalOrderStatus(row.status as OrderStatus)) throw conflict(`order is ${row.status}`);
  const bot = await getVisibleBot(ctx, actor, row.botId);
  if (bot.assignedEngineId === null) throw conflict('no engine runs this order’s bot');
  const command = await ctx.commands.send({ type: 'cancel-order', engineId: bot.assignedEngineId, botId: bot.botId, issuedBy: actor.userId, payload: { clientOrderId: row.clientOrderId } });
  await recordAudit(ctx.db, { userId: actor.userId, action: 'order.cancel', entityType: 'order', entityId: orderId, exchange: row.exchange, before: { status: row.status }, ip });
  return { ok: true, orderId, commandId: command.commandId };
}
