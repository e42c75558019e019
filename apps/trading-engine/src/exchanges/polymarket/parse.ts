/**
 * Validation and normalization of everything Polymarket sends: market-channel events (book, price_change,
 * last_trade_price, tick_size_change, best_bid_ask, market_resolved), user-channel events (order, trade) and REST
 * markets. Every parser returns null on a malformed message (the caller logs and drops it); nothing here throws.
 * Prices and sizes become Decimal from their decimal strings, never through floats.
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';

const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/);
const numericLike = z.union([decimalString, z.number()]).transform((v) => new Decimal(String(v)));
const level = z.object({ price: decimalString, size: decimalString });
const side = z.enum(['BUY', 'SELL']);

export const bookEventSchema = z.object({
  event_type: z.literal('book'),
  asset_id: z.string().min(1),
  market: z.string(),
  bids: z.array(level),
  asks: z.array(level),
  timestamp: z.string().regex(/^\d+$/),
  hash: z.string().optional(),
});

export const priceChangeEventSchema = z.object({
  event_type: z.literal('price_change'),
  market: z.string(),
  timestamp: z.string().regex(/^\d+$/),
  price_changes: z.array(
    z.object({
      asset_id: z.string().min(1),
      price: decimalString,
      size: decimalString,
      side,
      hash: z.string().optional(),
      best_bid: decimalString.optional(),
      best_ask: decimalString.optional(),
    }),
  ),
});

export const lastTradeEventSchema = z.object({
  event_type: z.literal('last_trade_price'),
  asset_id: z.string().min(1),
  market: z.string(),
  price: decimalString,
  size: decimalString,
  side,
  fee_rate_bps: z.string().optional(),
  timestamp: z.string().regex(/^\d+$/),
  transaction_hash: z.string().optional(),
});

export const tickSizeChangeEventSchema = z.object({
  event_type: z.literal('tick_size_change'),
  asset_id: z.string().min(1),
  market: z.string(),
  old_tick_size: decimalString,
  new_tick_size: decimalString,
  timestamp: z.string().regex(/^\d+$/),
});

export const bestBidAskEventSchema = z.object({
  event_type: z.literal('best_bid_ask'),
  asset_id: z.string().min(1),
  market: z.string(),
  best_bid: decimalString,
  best_ask: decimalString,
  timestamp: z.string().regex(/^\d+$/),
});

export const marketResolvedEventSchema = z.object({
  event_type: z.literal('market_resolved'),
  market: z.string(),
  assets_ids: z.array(z.string()),
  winning_asset_id: z.string(),
  winning_outcome: z.string().optional(),
  timestamp: z.string().regex(/^\d+$/),
});

export const marketEventSchema = z.discriminatedUnion('event_type', [
  bookEventSchema,
  priceChangeEventSchema,
  lastTradeEventSchema,
  tickSizeChangeEventSchema,
  bestBidAskEventSchema,
  marketResolvedEventSchema,
]);

export type PolymarketMarketEvent = z.infer<typeof marketEventSchema>;
export type PolymarketBookEvent = z.infer<typeof bookEventSchema>;

export const orderStatusSchema = z.string().transform((s) => s.replace(/^ORDER_STATUS_/, '').toUpperCase());

export const openOrderSchema = z.object({
  id: z.string().min(1),
  status: orderStatusSchema,
  owner: z.string(),
  maker_address: z.string(),
  market: z.string(),
  asset_id: z.string(),
  side,
  original_size: decimalString,
  size_matched: decimalString,
  price: decimalString,
  associate_trades: z.array(z.string()).nullable().optional(),
  outcome: z.string().optional(),
  created_at: z.union([z.number(), z.string()]).optional(),
  expiration: z.union([z.number(), z.string()]).optional(),
  order_type: z.string().optional(),
});

export const userOrderEventSchema = openOrderSchema.extend({
  event_type: z.literal('order'),
  type: z.enum(['PLACEMENT', 'UPDATE', 'CANCELLATION']),
  timestamp: z.string().optional(),
});

const makerOrderSchema = z.object({
  order_id: z.string(),
  owner: z.string(),
  maker_address: z.string().optional(),
  matched_amount: decimalString,
  price: decimalString,
  fee_rate_bps: z.string().optional(),
  asset_id: z.string(),
  outcome: z.string().optional(),
  side: side.optional(),
});

export const tradeSchema = z.object({
  id: z.string().min(1),
  taker_order_id: z.string(),
  market: z.string(),
  asset_id: z.string(),
  side,
  size: decimalString,
  fee_rate_bps: z.string().regex(/^\d+(\.\d+)?$/).default('0'),
  price: decimalString,
  status: z.enum(['MATCHED', 'MINED', 'CONFIRMED', 'RETRYING', 'FAILED']),
  match_time: z.string().optional(),
  matchtime: z.string().optional(),
  last_update: z.string().optional(),
  owner: z.string(),
  maker_orders: z.array(makerOrderSchema),
  transaction_hash: z.string().nullable().optional(),
  trader_side: z.enum(['TAKER', 'MAKER']).optional(),
});

export const userTradeEventSchema = tradeSchema.extend({ event_type: z.literal('trade'), timestamp: z.string().optional() });

export const userEventSchema = z.discriminatedUnion('event_type', [userOrderEventSchema, userTradeEventSchema]);

export type PolymarketOpenOrder = z.infer<typeof openOrderSchema>;
export type PolymarketTrade = z.infer<typeof tradeSchema>;
export type PolymarketUserEvent = z.infer<typeof userEventSchema>;

export const marketSchema = z.object({
  condition_id: z.string().min(1),
  question: z.string().default(''),
  tokens: z.array(z.object({ token_id: z.string().min(1), outcome: z.string() })).length(2),
  minimum_order_size: numericLike,
  minimum_tick_size: numericLike,
  neg_risk: z.boolean().default(false),
  enable_order_book: z.boolean().default(true),
  accepting_orders: z.boolean().default(true),
  active: z.boolean().default(true),
  closed: z.boolean().default(false),
  end_date_iso: z.string().nullable().optional(),
  taker_base_fee: numericLike.optional(),
  maker_base_fee: numericLike.optional(),
});

export type PolymarketMarket = z.infer<typeof marketSchema>;

/** A frame holds one event or an array of events. Returns the valid ones and how many were dropped. */
export function parseFrame<T>(text: string, schema: z.ZodType<T>): { events: T[]; dropped: number } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { events: [], dropped: 1 };
  }
  const items = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  const events: T[] = [];
  let dropped = 0;
  for (const item of items) {
    const r = schema.safeParse(item);
    if (r.success) events.push(r.data);
    else dropped++;
  }
  return { events, dropped };
}

/** Taker fee of one fill as the venue charges it: size·rate·p·(1−p), rate = bps/10⁴, half-up to 6 dp. */
export function takerFee(size: Decimal, feeRateBps: string, price: Decimal): Decimal {
  return size
    .times(new Decimal(feeRateBps).div(10_000))
    .times(price)
    .times(new Decimal(1).minus(price))
    .toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
}
