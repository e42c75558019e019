/** Venue JSON shapes built from simulator records: Market, OpenOrder, Trade, user-channel events. */
import type { SimMarket, SimOrder, SimTrade } from './types.js';

export function marketJson(m: SimMarket) {
  return {
    condition_id: m.conditionId,
    question_id: m.conditionId,
    question: m.question,
    description: m.strike === null ? m.question : `Resolves YES if the OKX BTC-USDT-SWAP mid is above ${m.strike.toString()} at the end time.`,
    market_slug: m.slug,
    tokens: [m.yes, m.no].map((t) => ({
      token_id: t.tokenId,
      outcome: t.outcome,
      price: Number(m.lastTradePrice.get(t.tokenId)?.price.toString() ?? '0.5'),
      winner: m.winner === t.outcome,
    })),
    minimum_order_size: Number(m.minOrderSize.toString()),
    minimum_tick_size: Number(m.tickSize),
    neg_risk: m.negRisk,
    enable_order_book: true,
    accepting_orders: m.acceptingOrders,
    active: !m.closed,
    closed: m.closed,
    archived: false,
    end_date_iso: m.endTime === null ? null : new Date(m.endTime).toISOString(),
    maker_base_fee: 0,
    taker_base_fee: Number(m.feeRate.times(10_000).toString()),
    seconds_delay: 0,
    fpmm: '',
  };
}

export function openOrderJson(o: SimOrder) {
  return {
    id: o.id,
    status: o.status,
    owner: o.owner,
    maker_address: o.maker,
    market: o.market.conditionId,
    asset_id: o.token.tokenId,
    side: o.side,
    original_size: o.originalSize.toString(),
    size_matched: o.sizeMatched.toString(),
    price: o.price.toString(),
    associate_trades: [...o.associateTrades],
    outcome: o.token.outcome,
    created_at: o.createdAt,
    expiration: String(o.expiration),
    order_type: o.orderType,
  };
}

/** Trade from the point of view of `viewer` (an API key): TAKER when it owns the taker order, else MAKER. */
export function tradeJson(t: SimTrade, viewer?: string) {
  const takerView = viewer === undefined || t.taker.owner === viewer;
  return {
    id: t.id,
    taker_order_id: t.taker.id,
    market: t.market.conditionId,
    asset_id: t.taker.token.tokenId,
    side: t.taker.side,
    size: t.size.toString(),
    fee_rate_bps: t.feeRateBps,
    price: t.price.toString(),
    status: t.status,
    match_time: String(t.matchTime),
    last_update: String(t.lastUpdate),
    outcome: t.taker.token.outcome,
    bucket_index: 0,
    owner: takerView ? t.taker.owner : (t.makers.find((m) => m.order.owner === viewer)?.order.owner ?? t.taker.owner),
    maker_address: takerView ? t.taker.maker : (t.makers.find((m) => m.order.owner === viewer)?.order.maker ?? t.taker.maker),
    maker_orders: t.makers.map((m) => ({
      order_id: m.order.id,
      owner: m.order.owner,
      maker_address: m.order.maker,
      matched_amount: m.size.toString(),
      price: m.price.toString(),
      fee_rate_bps: '0',
      asset_id: m.order.token.tokenId,
      outcome: m.order.token.outcome,
      side: m.order.side,
    })),
    transaction_hash: t.status === 'FAILED' ? '' : t.transactionHash,
    trader_side: takerView ? 'TAKER' : 'MAKER',
    err_msg: t.status === 'FAILED' ? 'transaction reverted' : null,
  };
}

export function userOrderEvent(type: 'PLACEMENT' | 'UPDATE' | 'CANCELLATION', o: SimOrder, nowMs: number) {
  return {
    event_type: 'order',
    type,
    ...openOrderJson(o),
    order_owner: o.owner,
    timestamp: String(nowMs),
  };
}

export function userTradeEvent(t: SimTrade, viewer: string, nowMs: number) {
  const base = tradeJson(t, viewer);
  return { event_type: 'trade', type: 'TRADE', ...base, trade_owner: base.owner, timestamp: String(nowMs) };
}
