/**
 * Polymarket execution through `@polymarket/clob-client-v2`: orders are built and EIP-712 signed by FastOrderSigner
 * (the SDK's createOrder, byte for byte, without its per-order overhead; the SDK itself when no signer is given) and
 * posted by the SDK. Their hash (orderID) is known before posting and written to the durable client-id map first, so
 * a timed-out or failed placement is looked up on the venue (/data/order, then /data/trades) and, if absent,
 * re-posted byte-identical — a retry can never double an order. Order and fill updates come from the user channel;
 * after a reconnect (the channel does not replay) open orders and recent trades are reconciled over REST on the
 * same path.
 */
import { Decimal } from 'decimal.js';
import { AssetType, OrderType, Side, type ApiKeyCreds, type ClobClient, type SignedOrder, type TickSize } from '@polymarket/clob-client-v2';
import { canAdvanceOrderStatus, type OrderStatus } from '@trading/shared-types';
import type { Hex } from 'viem';
import type { InstrumentId } from '../../ports/instruments.js';
import {
  OrderRejectedError,
  type BalanceState,
  type ExecutionEvent,
  type ExecutionPort,
  type FillReport,
  type OrderRequest,
  type OrderState,
  type PositionState,
} from '../../ports/execution.js';
import { classify, errorMessage, sleep, venueCode, withTimeout } from './errors.js';
import type { FastOrderSigner } from './fast-signer.js';
import { instrumentId, LOT_SIZE, tokenOf, type PolymarketInstruments } from './instruments.js';
import type { AdapterLogger } from './logger.js';
import type { OrderIdRecord, OrderIdStore } from './order-id-store.js';
import { openOrderSchema, parseFrame, takerFee, tradeSchema, userEventSchema, type PolymarketOpenOrder, type PolymarketTrade, type PolymarketUserEvent } from './parse.js';
import type { LimitClass, RateLimiter } from './rate-limiter.js';
import { ReconnectingWs } from './reconnecting-ws.js';
import { asV2, expectedAmounts, orderHash } from './signing.js';

const ZERO = new Decimal(0);
const ONE = new Decimal(1);
const SCALE = new Decimal(1_000_000);
const TERMINAL: ReadonlySet<OrderStatus> = new Set(['FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'FAILED']);

export interface PolymarketExecutionOptions {
  chainId: number;
  instruments: PolymarketInstruments;
  store: OrderIdStore;
  limiter: RateLimiter;
  wsUserUrl: string;
  log: AdapterLogger;
  /** Per REST request; a placement that exceeds it is reconciled, not assumed lost. */
  requestTimeoutMs?: number;
  maxPostAttempts?: number;
  minBackoffMs?: number;
  onState?: (state: 'open' | 'reconnecting' | 'closed', reason: string) => void;
}

interface Tracked {
  state: OrderState;
  record: OrderIdRecord | null;
  /** Σ price·qty and Σ qty of fills seen, for the average fill price. */
  notional: Decimal;
  fillQty: Decimal;
}

/** One of this account's fills within a venue trade. */
interface TradeFill {
  fillId: string;
  orderId: string;
  side: 'BUY' | 'SELL';
  price: Decimal;
  qty: Decimal;
  fee: Decimal;
  role: 'maker' | 'taker';
  token: string;
}

export class PolymarketExecution implements ExecutionPort {
  private readonly handlers = new Set<(e: ExecutionEvent) => void>();
  private readonly orders = new Map<string, Tracked>();
  private readonly byHash = new Map<string, Tracked>();
  private readonly seenFills = new Set<string>();
  private readonly positions = new Map<string, { qty: Decimal; cost: Decimal }>();
  private readonly ws: ReconnectingWs;
  private version: number | null = null;
  private queue: Promise<void> = Promise.resolve();
  private lastTradeSec = Math.floor(Date.now() / 1000);
  private readonly timeoutMs: number;
  private attached: { client: ClobClient; creds: ApiKeyCreds; signer: FastOrderSigner | null } | null = null;

  constructor(private readonly o: PolymarketExecutionOptions) {
    this.timeoutMs = o.requestTimeoutMs ?? 10_000;
    this.ws = new ReconnectingWs({
      url: o.wsUserUrl,
      log: o.log,
      onOpen: (reconnect) => {
        const c = this.creds;
        this.ws.send({ auth: { apiKey: c.key, secret: c.secret, passphrase: c.passphrase }, markets: [], assets_ids: [], type: 'user' });
        if (reconnect) this.enqueue(() => this.reconcile());
      },
      onMessage: (text) => {
        this.onMessage(text);
      },
      ...(o.onState !== undefined ? { onState: o.onState } : {}),
      ...(o.minBackoffMs !== undefined ? { minBackoffMs: o.minBackoffMs } : {}),
    });
  }

  private get client(): ClobClient {
    if (this.attached === null) throw new Error('Polymarket execution is not connected');
    return this.attached.client;
  }

  private get creds(): ApiKeyCreds {
    if (this.attached === null) throw new Error('Polymarket execution is not connected');
    return this.attached.creds;
  }

  /**
   * Attaches the authenticated SDK client (credentials are resolved by the adapter) and the order signer configured
   * like it (without one, orders are signed by the SDK), then opens the user channel.
   */
  async connect(client: ClobClient, creds: ApiKeyCreds, signer?: FastOrderSigner): Promise<void> {
    this.attached = { client, creds, signer: signer ?? null };
    this.version = await this.call('other', () => this.client.getVersion());
    this.ws.connect();
    await this.ws.waitOpen();
    // Start-up is recovery: placements left pending by a previous run are settled now.
    await this.reconcile();
  }

  close(): void {
    this.ws.close();
  }

  onExecution(handler: (event: ExecutionEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /**
   * A tick_size_change: the SDK caches each token's tick for the client's life and refuses a tick smaller than
   * the cached one, so its cache is updated here (instead of rebuilding the client).
   */
  onTickSize(tokenId: string, tick: Decimal): void {
    const t = tick.toString();
    if (this.attached !== null && isTickSize(t)) this.attached.client.tickSizes[tokenId] = t;
  }

  /** Waits until every queued user-channel message has been handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  // ---- REST plumbing -------------------------------------------------------------------------------------

  /** Rate-limited call with a timeout; 429s are retried with backoff (they are never processed by the venue). */
  private async call<T>(cls: LimitClass, fn: () => Promise<T>, what: string = cls): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.o.limiter.take(cls);
      try {
        return await withTimeout(fn(), this.timeoutMs, what);
      } catch (e) {
        if (classify(e) !== 'rate-limited' || attempt >= 6) throw e;
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  private emit(e: ExecutionEvent): void {
    for (const h of this.handlers) {
      try {
        h(e);
      } catch (err) {
        this.o.log.error({ err }, 'execution handler threw');
      }
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue = this.queue.then(job).catch((e: unknown) => {
      this.o.log.error({ err: errorMessage(e) }, 'user-channel job failed');
    });
  }

  // ---- orders --------------------------------------------------------------------------------------------

  async createOrder(request: OrderRequest): Promise<OrderState> {
    const cid = request.clientOrderId;
    if (!/^[A-Za-z0-9]{1,32}$/.test(cid)) throw new OrderRejectedError('INVALID_CLIENT_ORDER_ID', 'client order id must be 1–32 alphanumerics', cid);
    const known = await this.o.store.get(cid);
    if (known !== undefined) return this.resume(known);
    const inst = this.o.instruments.getInstrument(request.instrumentId);
    if (inst === undefined) throw new OrderRejectedError('UNKNOWN_INSTRUMENT', `unknown instrument ${request.instrumentId}`, cid);
    const tick = inst.tickSize;
    const price = request.type === 'MARKET' ? (request.side === 'BUY' ? ONE.minus(tick) : tick) : request.price;
    if (price === undefined) throw new OrderRejectedError('INVALID_ORDER_ERROR', 'price required', cid);
    // The venue's own checks, done first so a doomed order is never signed.
    if (!price.mod(tick).isZero() || price.lt(tick) || price.gt(ONE.minus(tick))) {
      throw new OrderRejectedError('INVALID_ORDER_MIN_TICK_SIZE', `price ${price.toString()} is not on tick ${tick.toString()} inside (0,1)`, cid);
    }
    if (request.quantity.lte(0) || !request.quantity.mod(LOT_SIZE).isZero()) throw new OrderRejectedError('INVALID_ORDER_ERROR', `size must be a positive multiple of ${LOT_SIZE.toString()} shares`, cid);
    if (request.quantity.lt(inst.minSize)) throw new OrderRejectedError('INVALID_ORDER_MIN_SIZE', `size ${request.quantity.toString()} < min ${inst.minSize.toString()}`, cid);
    const orderType = request.type === 'IOC' || request.type === 'MARKET' ? OrderType.FAK : request.type === 'FOK' ? OrderType.FOK : OrderType.GTC;
    const postOnly = request.type === 'POST_ONLY';
    const negRisk = inst.polymarket?.negRisk ?? false;
    const { signed, hash } = await this.sign(inst.symbol, request.side, price, request.quantity, tick, negRisk, cid);
    const record: OrderIdRecord = {
      clientOrderId: cid,
      orderHash: hash,
      tokenId: inst.symbol,
      side: request.side,
      price: price.toString(),
      size: request.quantity.toString(),
      orderType,
      postOnly,
      signedOrder: JSON.stringify(signed),
      state: 'pending',
      createdAt: Date.now(),
    };
    await this.o.store.put(record);
    const tracked = this.track(record, request.type);
    return this.post(tracked, signed, negRisk, request.beforeSend);
  }

  private async sign(tokenId: string, side: 'BUY' | 'SELL', price: Decimal, size: Decimal, tick: Decimal, negRisk: boolean, cid: string) {
    const version = this.version ?? (await this.call('other', () => this.client.getVersion()));
    this.version = version;
    const order = { tokenId, side, price, size, tick, negRisk, version, clientOrderId: cid };
    const signer = this.attached?.signer ?? null;
    return signer !== null ? signOrder(signer, this.client, order) : signOrderWithSdk(this.client, order, this.o.chainId);
  }

  private track(record: OrderIdRecord, type: OrderRequest['type']): Tracked {
    const existing = this.orders.get(record.clientOrderId);
    if (existing !== undefined) return existing;
    const now = Date.now();
    const t: Tracked = {
      record,
      notional: ZERO,
      fillQty: ZERO,
      state: {
        clientOrderId: record.clientOrderId,
        exchangeOrderId: record.orderHash,
        instrumentId: instrumentId(record.tokenId),
        side: record.side,
        type,
        price: new Decimal(record.price),
        quantity: new Decimal(record.size),
        filledQuantity: ZERO,
        averageFillPrice: null,
        status: 'PENDING',
        fee: ZERO,
        feeCurrency: 'USDC',
        createdAt: record.createdAt,
        updatedAt: now,
      },
    };
    this.orders.set(record.clientOrderId, t);
    this.byHash.set(record.orderHash.toLowerCase(), t);
    return t;
  }

  private async post(t: Tracked, signed: SignedOrder, negRisk: boolean, beforeSend?: () => void): Promise<OrderState> {
    const record = t.record;
    if (record === null) throw new Error('untracked order');
    const cid = record.clientOrderId;
    const attempts = this.o.maxPostAttempts ?? 3;
    let lastError = '';
    let rateLimited = 0;
    for (let attempt = 0; attempt < attempts; attempt++) {
      await this.o.limiter.take('order');
      // The gate, right before the order leaves (the store write and the rate limit above may have waited long).
      try {
        beforeSend?.();
      } catch (blocked) {
        if (attempt === 0 && rateLimited === 0) {
          // Never sent: the order is rejected; the store record is settled when Redis answers again.
          void this.o.store.put({ ...record, state: 'rejected' }).catch(() => undefined);
          this.advance(t, 'REJECTED', blocked instanceof OrderRejectedError ? blocked.code : 'gate-closed');
        }
        throw blocked;
      }
      try {
        await withTimeout(this.client.postOrder(signed, venueOrderType(record.orderType), record.postOnly, true), this.timeoutMs, 'POST /order');
        await this.o.store.put({ ...record, state: 'acked' });
        this.advance(t, 'OPEN');
        // The answer only says live/matched; the order itself gives the matched size.
        return await this.refreshOrder(t);
      } catch (e) {
        lastError = errorMessage(e);
        switch (classify(e)) {
          case 'rate-limited':
            // Refused before processing: wait and send the same signed order again; does not use up an attempt.
            if (++rateLimited <= 8) attempt--;
            await sleep(Math.min(2_000, 50 * 2 ** rateLimited));
            continue;
          case 'duplicate':
            // The venue already has this exact order (an earlier attempt got through).
            return await this.refreshOrder(t);
          case 'version-mismatch': {
            const v = await this.call('other', () => this.client.getVersion());
            if (v === this.version) return this.reject(t, 'ORDER_VERSION_MISMATCH', lastError);
            this.version = v;
            const inst = this.o.instruments.getInstrument(instrumentId(record.tokenId));
            const tick = inst?.tickSize ?? new Decimal('0.01');
            const resigned = await this.sign(record.tokenId, record.side, new Decimal(record.price), new Decimal(record.size), tick, negRisk, cid);
            const updated: OrderIdRecord = { ...record, orderHash: resigned.hash, signedOrder: JSON.stringify(resigned.signed) };
            await this.o.store.put(updated);
            this.byHash.delete(record.orderHash.toLowerCase());
            t.record = updated;
            t.state = { ...t.state, exchangeOrderId: resigned.hash };
            this.byHash.set(resigned.hash.toLowerCase(), t);
            return await this.post(t, resigned.signed, negRisk, beforeSend);
          }
          case 'rejected':
            return this.reject(t, venueCode(lastError), lastError);
          case 'ambiguous': {
            this.o.log.warn({ clientOrderId: cid, orderHash: record.orderHash, err: lastError }, 'placement outcome unknown; reconciling before any retry');
            const found = await this.findOnVenue(t).catch(() => null);
            if (found !== null) {
              await this.o.store.put({ ...record, state: 'acked' });
              return found;
            }
            await sleep(50 * 2 ** attempt);
            continue;
          }
        }
      }
    }
    // Still unknown: the record stays pending and is settled by the next reconciliation.
    this.advance(t, 'AMBIGUOUS');
    throw new OrderRejectedError('AMBIGUOUS', `placement not confirmed after ${String(attempts)} attempts: ${lastError}`, cid);
  }

  private async reject(t: Tracked, code: string, message: string): Promise<never> {
    if (t.record !== null) await this.o.store.put({ ...t.record, state: 'rejected' });
    this.advance(t, 'REJECTED', code);
    throw new OrderRejectedError(code, message, t.state.clientOrderId);
  }

  /** A client id seen before (retry after a crash or by the caller): settle it on the venue, never post twice. */
  private async resume(record: OrderIdRecord): Promise<OrderState> {
    const t = this.track(record, 'LIMIT');
    if (record.state === 'rejected') return t.state;
    const found = await this.findOnVenue(t).catch(() => null);
    if (found !== null) return found;
    const inst = this.o.instruments.getInstrument(instrumentId(record.tokenId));
    return this.post(t, JSON.parse(record.signedOrder) as SignedOrder, inst?.polymarket?.negRisk ?? false);
  }

  /** The order on the venue by hash: /data/order, else its trades (filled orders leave the open book). */
  private async findOnVenue(t: Tracked): Promise<OrderState | null> {
    const hash = t.state.exchangeOrderId ?? '';
    try {
      const raw = await this.call('other', () => this.client.getOrder(hash), 'GET /data/order');
      const o = openOrderSchema.safeParse(raw);
      if (o.success) return this.applyOpenOrder(t, o.data);
    } catch (e) {
      if (classify(e) === 'ambiguous') throw e;
    }
    const since = Math.floor((t.record?.createdAt ?? Date.now()) / 1000) - 60;
    const trades = await this.call('other', () => this.client.getTrades({ asset_id: tokenOf(t.state.instrumentId), after: String(since) }), 'GET /data/trades');
    const mine = trades.filter((tr) => tr.taker_order_id.toLowerCase() === hash.toLowerCase() || tr.maker_orders.some((m) => m.order_id.toLowerCase() === hash.toLowerCase()));
    if (mine.length === 0) return null;
    for (const raw of mine) {
      const tr = tradeSchema.safeParse(raw);
      if (tr.success) await this.onTrade(tr.data);
    }
    if (t.state.filledQuantity.gte(t.state.quantity)) this.advance(t, 'FILLED');
    return t.state;
  }

  private async refreshOrder(t: Tracked): Promise<OrderState> {
    const found = await this.findOnVenue(t);
    return found ?? t.state;
  }

  private applyOpenOrder(t: Tracked, o: PolymarketOpenOrder): OrderState {
    const matched = new Decimal(o.size_matched);
    const original = new Decimal(o.original_size);
    if (matched.gt(t.state.filledQuantity) && t.fillQty.isZero()) {
      // Fills not seen on the user channel yet: count them at the order price until the trades arrive.
      t.state = { ...t.state, averageFillPrice: new Decimal(o.price) };
    }
    t.state = { ...t.state, quantity: original };
    const status: OrderStatus =
      o.status === 'MATCHED' ? 'FILLED' : o.status === 'CANCELED' || o.status === 'UNMATCHED' ? 'CANCELLED' : matched.gt(0) ? 'PARTIALLY_FILLED' : 'OPEN';
    if (matched.gt(t.state.filledQuantity)) t.state = { ...t.state, filledQuantity: matched };
    this.advance(t, status);
    return t.state;
  }

  private advance(t: Tracked, status: OrderStatus, reason?: string): void {
    if (!canAdvanceOrderStatus(t.state.status, status) && t.state.status !== status) return;
    const changed = t.state.status !== status;
    t.state = { ...t.state, status, updatedAt: Date.now(), ...(reason !== undefined ? { reason } : {}) };
    if (changed) this.emit({ type: 'order', order: t.state });
  }

  private tracked(clientOrderId: string, hash?: string): Tracked | undefined {
    return this.orders.get(clientOrderId) ?? (hash === undefined ? undefined : this.byHash.get(hash.toLowerCase()));
  }

  private async trackedByCid(clientOrderId: string): Promise<Tracked | undefined> {
    const t = this.orders.get(clientOrderId);
    if (t !== undefined) return t;
    const record = await this.o.store.get(clientOrderId);
    return record === undefined ? undefined : this.track(record, 'LIMIT');
  }

  amendOrder(_instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState> {
    return Promise.reject(new OrderRejectedError('NOT_SUPPORTED', 'Polymarket has no amend: cancel and place a new order', clientOrderId));
  }

  async cancelOrder(_instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState> {
    const t = await this.trackedByCid(clientOrderId);
    if (t === undefined || t.state.exchangeOrderId === null) throw new OrderRejectedError('ORDER_NOT_FOUND', `unknown client order id ${clientOrderId}`, clientOrderId);
    const hash = t.state.exchangeOrderId;
    const res = await this.call('cancel', () => this.client.cancelOrder({ orderID: hash }) as Promise<unknown>, 'DELETE /order');
    if (canceledIds(res).includes(hash.toLowerCase())) {
      this.advance(t, 'CANCELLED');
      return t.state;
    }
    return this.refreshOrder(t);
  }

  async cancelAllOrders(id?: InstrumentId): Promise<OrderState[]> {
    const res =
      id === undefined
        ? await this.call('cancel', () => this.client.cancelAll() as Promise<unknown>, 'DELETE /cancel-all')
        : await this.call('cancel', () => this.client.cancelMarketOrders({ asset_id: tokenOf(id) }) as Promise<unknown>, 'DELETE /cancel-market-orders');
    const out: OrderState[] = [];
    for (const hash of canceledIds(res)) {
      const record = await this.o.store.byHash(hash);
      const t = this.tracked(record?.clientOrderId ?? hash, hash) ?? (record !== undefined ? this.track(record, 'LIMIT') : undefined);
      if (t === undefined) continue;
      this.advance(t, 'CANCELLED');
      out.push(t.state);
    }
    return out;
  }

  async fetchOpenOrders(id?: InstrumentId): Promise<OrderState[]> {
    const list = await this.call('other', () => this.client.getOpenOrders(id === undefined ? {} : { asset_id: tokenOf(id) }), 'GET /data/orders');
    const out: OrderState[] = [];
    for (const raw of list) {
      const o = openOrderSchema.safeParse(raw);
      if (!o.success) {
        this.o.log.warn({ issues: o.error.issues.slice(0, 2) }, 'malformed open order dropped');
        continue;
      }
      const t = await this.trackForVenueOrder(o.data);
      out.push(this.applyOpenOrder(t, o.data));
    }
    return out;
  }

  /** An order seen on the venue: ours by the durable map, or a foreign one keyed by its hash. */
  private async trackForVenueOrder(o: PolymarketOpenOrder): Promise<Tracked> {
    const existing = this.byHash.get(o.id.toLowerCase());
    if (existing !== undefined) return existing;
    const record = await this.o.store.byHash(o.id);
    if (record !== undefined) return this.track(record, 'LIMIT');
    const t = this.track(
      { clientOrderId: o.id, orderHash: o.id, tokenId: o.asset_id, side: o.side, price: o.price, size: o.original_size, orderType: o.order_type ?? 'GTC', postOnly: false, signedOrder: '', state: 'acked', createdAt: Date.now() },
      'LIMIT',
    );
    t.record = null;
    return t;
  }

  async fetchOrderByClientId(_id: InstrumentId, clientOrderId: string): Promise<OrderState | null> {
    const t = await this.trackedByCid(clientOrderId);
    if (t === undefined) return null;
    return (await this.findOnVenue(t)) ?? (TERMINAL.has(t.state.status) ? t.state : null);
  }

  async fetchBalances(): Promise<BalanceState[]> {
    const [bal, open] = await Promise.all([
      this.call('balance', () => this.client.getBalanceAllowance({ asset_type: AssetType.COLLATERAL }), 'GET /balance-allowance'),
      this.call('other', () => this.client.getOpenOrders(), 'GET /data/orders'),
    ]);
    const total = new Decimal(bal.balance).div(SCALE);
    let frozen = ZERO;
    for (const raw of open) {
      const o = openOrderSchema.safeParse(raw);
      if (o.success && o.data.side === 'BUY') frozen = frozen.plus(new Decimal(o.data.original_size).minus(o.data.size_matched).times(o.data.price));
    }
    return [{ currency: 'USDC', total, available: total.minus(frozen), frozen }];
  }

  async fetchPositions(id?: InstrumentId): Promise<PositionState[]> {
    const ids = id !== undefined ? [id] : [...new Set([...this.positions.keys()].map(instrumentId))];
    const out: PositionState[] = [];
    for (const iid of ids) {
      const token = tokenOf(iid);
      const bal = await this.call('balance', () => this.client.getBalanceAllowance({ asset_type: AssetType.CONDITIONAL, token_id: token }), 'GET /balance-allowance');
      const qty = new Decimal(bal.balance).div(SCALE);
      const local = this.positions.get(token);
      const avg = local !== undefined && !local.qty.isZero() ? local.cost.div(local.qty) : ZERO;
      out.push({ instrumentId: iid, quantity: qty, averageEntryPrice: avg, markPrice: null, leverage: null, marginMode: 'cash', liquidationPrice: null, unrealizedPnl: ZERO, margin: null });
    }
    return out;
  }

  setLeverage(): Promise<void> {
    return Promise.reject(new Error('Polymarket has no leverage'));
  }

  // ---- user channel --------------------------------------------------------------------------------------

  private onMessage(text: string): void {
    const { events, dropped } = parseFrame(text, userEventSchema);
    if (dropped > 0) this.o.log.warn({ dropped, sample: text.slice(0, 200) }, 'malformed user message dropped');
    for (const e of events) this.enqueue(() => this.onUserEvent(e));
  }

  private async onUserEvent(e: PolymarketUserEvent): Promise<void> {
    if (e.event_type === 'trade') return this.onTrade(e);
    const t = await this.trackForVenueOrder(e);
    this.applyOpenOrder(t, e);
  }

  /** This account's fills in one trade: the taker side when the order is ours, each maker order of ours. */
  private fillsOfTrade(tr: PolymarketTrade): TradeFill[] {
    const fills: TradeFill[] = [];
    const mineTaker = this.byHash.get(tr.taker_order_id.toLowerCase()) ?? (tr.owner === this.creds.key && tr.trader_side !== 'MAKER' ? undefined : null);
    if (mineTaker !== null) {
      const price = new Decimal(tr.price);
      const qty = new Decimal(tr.size);
      fills.push({ fillId: tr.id, orderId: tr.taker_order_id, side: tr.side, price, qty, fee: takerFee(qty, tr.fee_rate_bps, price), role: 'taker', token: tr.asset_id });
    }
    for (const m of tr.maker_orders) {
      if (m.owner !== this.creds.key && !this.byHash.has(m.order_id.toLowerCase())) continue;
      fills.push({
        fillId: `${tr.id}:${m.order_id}`,
        orderId: m.order_id,
        side: m.side ?? (tr.side === 'BUY' ? 'SELL' : 'BUY'),
        price: new Decimal(m.price),
        qty: new Decimal(m.matched_amount),
        fee: ZERO,
        role: 'maker',
        token: m.asset_id,
      });
    }
    return fills;
  }

  /**
   * The account's fills since `since` (ms) from GET /data/trades, oldest first, resolved to client order ids through
   * the order-id store (the venue has none), optionally only those starting with a prefix. For an adopting engine.
   */
  async fetchFills(options: { since: number; clientOrderIdPrefix?: string }): Promise<FillReport[]> {
    const trades = await this.call('other', () => this.client.getTrades({ after: String(Math.floor(options.since / 1000)) }), 'GET /data/trades');
    const out: FillReport[] = [];
    for (const raw of trades) {
      const parsed = tradeSchema.safeParse(raw);
      if (!parsed.success || parsed.data.status === 'FAILED') continue;
      const tr = parsed.data;
      const timestamp = Number(tr.match_time ?? tr.matchtime ?? 0) * 1000;
      for (const f of this.fillsOfTrade(tr)) {
        const clientOrderId = this.byHash.get(f.orderId.toLowerCase())?.state.clientOrderId ?? (await this.o.store.byHash(f.orderId))?.clientOrderId;
        if (clientOrderId === undefined) continue;
        if (options.clientOrderIdPrefix !== undefined && !clientOrderId.startsWith(options.clientOrderIdPrefix)) continue;
        out.push({ fillId: f.fillId, clientOrderId, exchangeOrderId: f.orderId, instrumentId: instrumentId(f.token), side: f.side, price: f.price, quantity: f.qty, fee: f.fee, feeCurrency: 'USDC', role: f.role, timestamp });
      }
    }
    return out.sort((x, y) => x.timestamp - y.timestamp);
  }

  /** Fills from one trade: our taker order and/or our maker orders in it. Deduplicated by fill id. */
  private async onTrade(tr: PolymarketTrade): Promise<void> {
    this.lastTradeSec = Math.max(this.lastTradeSec, Number(tr.match_time ?? tr.matchtime ?? 0));
    if (tr.status === 'FAILED') {
      if (this.seenFills.has(tr.id) || tr.maker_orders.some((m) => this.seenFills.has(`${tr.id}:${m.order_id}`))) {
        this.o.log.warn({ tradeId: tr.id }, 'trade settlement FAILED on chain; balances revert');
        await this.emitBalance();
      }
      return;
    }
    const fills = this.fillsOfTrade(tr);
    let any = false;
    for (const f of fills) {
      if (this.seenFills.has(f.fillId)) continue;
      this.seenFills.add(f.fillId);
      any = true;
      const record = await this.o.store.byHash(f.orderId);
      const t = this.byHash.get(f.orderId.toLowerCase()) ?? (record !== undefined ? this.track(record, 'LIMIT') : undefined);
      const fill: FillReport = {
        fillId: f.fillId,
        clientOrderId: t?.state.clientOrderId ?? f.orderId,
        exchangeOrderId: f.orderId,
        instrumentId: instrumentId(f.token),
        side: f.side,
        price: f.price,
        quantity: f.qty,
        fee: f.fee,
        feeCurrency: 'USDC',
        role: f.role,
        timestamp: Number(tr.match_time ?? tr.matchtime ?? Math.floor(Date.now() / 1000)) * 1000,
      };
      this.applyPosition(f.token, f.side, f.qty, f.price);
      if (t !== undefined) {
        t.notional = t.notional.plus(f.price.times(f.qty));
        t.fillQty = t.fillQty.plus(f.qty);
        // size_matched from an order event may already count this fill: never count it twice.
        const filled = Decimal.max(t.state.filledQuantity, t.fillQty);
        t.state = { ...t.state, filledQuantity: filled, averageFillPrice: t.notional.div(t.fillQty), fee: t.state.fee.plus(f.fee) };
        this.emit({ type: 'fill', fill });
        this.advance(t, t.state.filledQuantity.gte(t.state.quantity) ? 'FILLED' : 'PARTIALLY_FILLED');
      } else {
        this.emit({ type: 'fill', fill });
      }
    }
    if (any) await this.emitBalance();
  }

  private applyPosition(token: string, side: 'BUY' | 'SELL', qty: Decimal, price: Decimal): void {
    const p = this.positions.get(token) ?? { qty: ZERO, cost: ZERO };
    if (side === 'BUY') this.positions.set(token, { qty: p.qty.plus(qty), cost: p.cost.plus(qty.times(price)) });
    else {
      const avg = p.qty.isZero() ? ZERO : p.cost.div(p.qty);
      this.positions.set(token, { qty: p.qty.minus(qty), cost: p.cost.minus(avg.times(qty)) });
    }
  }

  private async emitBalance(): Promise<void> {
    try {
      for (const b of await this.fetchBalances()) this.emit({ type: 'balance', balance: b });
    } catch (e) {
      this.o.log.warn({ err: errorMessage(e) }, 'balance refresh failed');
    }
  }

  /**
   * Brings local state to the venue's: pending placements (found or left for a re-post by the caller), every
   * non-terminal order, and trades since the last one seen (the user channel does not replay after a drop).
   */
  async reconcile(): Promise<void> {
    for (const record of await this.o.store.pending()) {
      const t = this.track(record, 'LIMIT');
      const found = await this.findOnVenue(t).catch(() => null);
      if (found !== null) await this.o.store.put({ ...record, state: 'acked' });
    }
    for (const t of [...this.orders.values()]) {
      if (TERMINAL.has(t.state.status) || t.state.status === 'PENDING') continue;
      await this.findOnVenue(t).catch((e: unknown) => {
        this.o.log.warn({ err: errorMessage(e) }, 'order reconcile failed');
      });
    }
    const trades = await this.call('other', () => this.client.getTrades({ after: String(this.lastTradeSec - 60) }), 'GET /data/trades');
    for (const raw of trades) {
      const tr = tradeSchema.safeParse(raw);
      if (tr.success) await this.onTrade(tr.data);
    }
  }
}

export interface OrderToSign {
  tokenId: string;
  side: 'BUY' | 'SELL';
  price: Decimal;
  size: Decimal;
  tick: Decimal;
  negRisk: boolean;
  /** The venue's order version (GET /version). */
  version: number;
  clientOrderId: string;
}

/**
 * The adapter's signing path: what the SDK's createOrder would sign (FastOrderSigner), with the SDK's own refusal of
 * a tick below the market's cached one, and the amounts checked against the exact Decimal ones before anything is
 * stored or sent. Exported for the benchmark.
 */
export function signOrder(signer: FastOrderSigner, client: ClobClient, o: OrderToSign): { signed: SignedOrder; hash: Hex } {
  const cid = o.clientOrderId;
  const tickSize = tickOf(o.tick, cid);
  const known = client.tickSizes[o.tokenId];
  if (known !== undefined && new Decimal(tickSize).lt(known)) {
    throw new OrderRejectedError('INVALID_ORDER_MIN_TICK_SIZE', `invalid tick size (${tickSize}), minimum for the market is ${known}`, cid);
  }
  let built: { order: SignedOrder; hash: Hex };
  try {
    built = signer.sign({ tokenId: o.tokenId, price: o.price.toNumber(), size: o.size.toNumber(), side: o.side, tickSize, negRisk: o.negRisk, version: orderVersion(o.version) });
  } catch (e) {
    throw new OrderRejectedError(venueCode(errorMessage(e)), errorMessage(e), cid);
  }
  checkAmounts(asV2(built.order), o);
  return { signed: built.order, hash: built.hash };
}

/** The same through the SDK's createOrder (no signer configured). */
export async function signOrderWithSdk(client: ClobClient, o: OrderToSign, chainId: number): Promise<{ signed: SignedOrder; hash: Hex }> {
  const cid = o.clientOrderId;
  let signed: SignedOrder;
  try {
    signed = await client.createOrder(
      { tokenID: o.tokenId, price: o.price.toNumber(), size: o.size.toNumber(), side: o.side === 'BUY' ? Side.BUY : Side.SELL },
      { tickSize: tickOf(o.tick, cid), negRisk: o.negRisk, version: orderVersion(o.version) },
    );
  } catch (e) {
    throw new OrderRejectedError(venueCode(errorMessage(e)), errorMessage(e), cid);
  }
  const v2 = asV2(signed);
  checkAmounts(v2, o);
  return { signed, hash: orderHash(v2, o.version, o.negRisk, chainId) };
}

/** Both paths work in floats, as the SDK does: make sure what was signed is exactly what was asked. */
function checkAmounts(v2: { makerAmount: string; takerAmount: string }, o: OrderToSign): void {
  const want = expectedAmounts(o.side, o.price, o.size);
  if (v2.makerAmount !== want.makerAmount || v2.takerAmount !== want.takerAmount) {
    throw new OrderRejectedError('INVALID_ORDER_ERROR', `signed amounts ${v2.makerAmount}/${v2.takerAmount} differ from ${want.makerAmount}/${want.takerAmount}`, o.clientOrderId);
  }
}

function canceledIds(res: unknown): string[] {
  if (typeof res !== 'object' || res === null) return [];
  const c = (res as { canceled?: unknown }).canceled;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()) : [];
}

function tickOf(tick: Decimal, cid: string): TickSize {
  const t = tick.toString();
  if (!isTickSize(t)) throw new OrderRejectedError('INVALID_ORDER_MIN_TICK_SIZE', `unsupported tick size ${t}`, cid);
  return t;
}

/** Versions this adapter signs; 1 (pre-2026-04-28) is no longer accepted by production. */
function orderVersion(v: number): 2 | 3 {
  return v === 3 ? 3 : 2;
}

function isTickSize(t: string): t is TickSize {
  return ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'].includes(t);
}

function venueOrderType(t: string): OrderType {
  switch (t) {
    case 'FOK':
      return OrderType.FOK;
    case 'FAK':
      return OrderType.FAK;
    case 'GTD':
      return OrderType.GTD;
    default:
      return OrderType.GTC;
  }
}
