/**
 * OKX execution port (live trading): orders over REST, state over the private `orders`/`positions`/`account`
 * channels. Every order carries a clOrdId; a placement that got no answer is reconciled by clOrdId before any
 * retry, and a retry reuses the clOrdId (OKX refuses a duplicate with 51016, which we also reconcile), so a
 * retry can never double an order. Order states only move forwards.
 *
 * Fills: normally each arrives on the `orders` push that reports it. When the adapter learns that an order filled
 * from its *state* instead — the late answer of a timed-out placement, a REST lookup, the resync after a private
 * WebSocket drop — the pushes of those executions are lost, so it reads the order's executions from
 * GET /api/v5/trade/fills and emits the ones not reported yet (fill id = OKX tradeId, so a fill that does arrive
 * on the push as well is dropped as a duplicate, here and in the engine).
 */
import type { Logger } from 'pino';
import { canAdvanceOrderStatus, isTerminalOrderStatus, type MarginMode, type OrderType } from '@trading/shared-types';
// orders-pending takes instType optionally; the SDK's request type marks it required.
import type { OrderHistoryRequest, OrderRequest as OkxOrderRequest } from 'okx-api';
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
import type { InstrumentId } from '../../ports/instruments.js';
import type { Decimal } from 'decimal.js';
import { OKX_CODES } from './constants.js';
import { OkxFundingBills } from './funding-bills.js';
import type { OkxInstruments } from './instruments.js';
import { instIdOf, parseBalances, parseFillRow, parseOrder, parsePosition } from './parse.js';
import { OkxRequestError, type OkxRest } from './rest.js';
import type { OkxStream } from './ws.js';

const CL_ORD_ID = /^[A-Za-z0-9]{1,32}$/;
const ORD_TYPES: Record<OrderType, OkxOrderRequest['ordType']> = { LIMIT: 'limit', MARKET: 'market', POST_ONLY: 'post_only', IOC: 'ioc', FOK: 'fok' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Executions per trade/fills page (OKX's maximum). */
const FILLS_PAGE = 100;
/** Most pages read for one recovery (10 000 executions). */
const MAX_FILL_PAGES = 100;

export interface OkxExecutionOptions {
  /**
   * How long to wait for the push of an execution the order state already shows before reading it over REST
   * (the push normally trails a REST answer by a few ms). Default 300 ms.
   */
  fillRecoveryDelayMs?: number;
  /** Least time between two funding-bill reads triggered by balance pushes (funding-bills.ts). Default 60 s. */
  fundingReadIntervalMs?: number;
}

export class OkxExecution implements ExecutionPort {
  private readonly orders = new Map<string, OrderState>();
  private readonly seenFills = new Set<string>();
  /** Σ quantity of the fills emitted per clOrdId (compared with the order's accFillSz). */
  private readonly reportedFilled = new Map<string, Decimal>();
  /** Orders whose missing fills are being read (value: read once more when done). */
  private readonly recovering = new Map<string, boolean>();
  private closed = false;
  private readonly handlers = new Set<(event: ExecutionEvent) => void>();
  private started = false;
  private readonly fundingBills: OkxFundingBills;

  constructor(
    private readonly rest: OkxRest,
    private readonly stream: OkxStream,
    private readonly instruments: OkxInstruments,
    private readonly logger: Logger,
    private readonly options: OkxExecutionOptions = {},
  ) {
    this.fundingBills = new OkxFundingBills(rest, instruments, logger, (funding) => { this.emit({ type: 'funding', funding }); }, {
      ...(options.fundingReadIntervalMs !== undefined ? { minIntervalMs: options.fundingReadIntervalMs } : {}),
    });
  }

  /** Stops scheduling fill recoveries and funding reads (the adapter is closing). */
  stop(): void {
    this.closed = true;
    this.fundingBills.stop();
  }

  /**
   * The account's executions since `since` (ms) whose clOrdId starts with `clientOrderIdPrefix`, oldest first,
   * read from GET /api/v5/trade/fills (OKX keeps 3 days there). For an adopting engine: the fills a dead run's
   * orders got while no engine watched the account.
   */
  async fetchFills(options: { since: number; clientOrderIdPrefix?: string }): Promise<FillReport[]> {
    const out: FillReport[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_FILL_PAGES; page++) {
      const rows: unknown[] = await this.rest.call('trade/fills', (c) =>
        c.getFills({ begin: String(options.since), limit: String(FILLS_PAGE), ...(after !== undefined ? { after } : {}) }),
      );
      for (const row of rows) {
        const fill = parseFillRow(row);
        if (!fill) {
          this.logger.warn({ row }, 'okx: malformed fill row dropped');
          continue;
        }
        after = fill.billId;
        if (fill.timestamp < options.since) continue;
        if (options.clientOrderIdPrefix !== undefined && !fill.clientOrderId.startsWith(options.clientOrderIdPrefix)) continue;
        const { billId: _billId, ...report } = fill;
        out.push(report);
      }
      if (rows.length < FILLS_PAGE) break;
    }
    return out.reverse();
  }

  /** Logs in on the private connection and subscribes orders, positions and account. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stream.onChannel('orders', (msg) => {
      for (const row of msg.data) this.onOrderRow(row);
    });
    this.stream.onChannel('positions', (msg) => {
      for (const row of msg.data) {
        const position = parsePosition(row);
        if (position) this.emit({ type: 'position', position });
        else this.logger.warn({ row }, 'okx: malformed position push dropped');
      }
    });
    this.stream.onChannel('account', (msg) => {
      for (const row of msg.data) {
        const balances = parseBalances(row);
        if (!balances) {
          this.logger.warn({ row }, 'okx: malformed account push dropped');
          continue;
        }
        for (const balance of balances) this.emit({ type: 'balance', balance });
      }
      // A funding settlement shows only as a balance change: look for new funding bills.
      this.fundingBills.schedule();
    });
    // Pushes sent while the private connection was down are lost: rebuild state over REST after a reconnect.
    this.stream.onReconnect((wsKey) => {
      if (wsKey.endsWith('Private')) void this.resyncPrivate();
    });
    await this.stream.connectPrivate();
    this.stream.acquire({ channel: 'orders', instType: 'ANY' });
    this.stream.acquire({ channel: 'positions', instType: 'ANY' });
    this.stream.acquire({ channel: 'account' });
    void this.fundingBills.read();
  }

  onExecution(handler: (event: ExecutionEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async createOrder(request: OrderRequest): Promise<OrderState> {
    if (!CL_ORD_ID.test(request.clientOrderId)) {
      throw new OrderRejectedError('invalid-client-order-id', 'clientOrderId must be 1-32 alphanumerics', request.clientOrderId);
    }
    if (request.type !== 'MARKET' && !request.price) {
      throw new OrderRejectedError('missing-price', 'price is required except for MARKET orders', request.clientOrderId);
    }
    const instId = instIdOf(request.instrumentId);
    const spot = this.isSpot(request.instrumentId);
    const body: OkxOrderRequest = {
      instId,
      tdMode: request.marginMode ?? (spot ? 'cash' : 'cross'),
      side: request.side === 'BUY' ? 'buy' : 'sell',
      ordType: ORD_TYPES[request.type],
      sz: request.quantity.toFixed(),
      clOrdId: request.clientOrderId,
      ...(request.type !== 'MARKET' && request.price ? { px: request.price.toFixed() } : {}),
      ...(request.reduceOnly ? { reduceOnly: true } : {}),
      // The port's spot quantity is in base; OKX sizes spot market buys in quote unless told otherwise.
      ...(spot && request.type === 'MARKET' ? { tgtCcy: 'base_ccy' as const } : {}),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const rows = await this.rest.call('trade/order', (c) => c.submitOrder(body), request.beforeSend);
        const ordId = rows[0]?.ordId ?? null;
        return this.acknowledged(request, ordId);
      } catch (error) {
        if (!(error instanceof OkxRequestError)) throw error;
        if (error.sCode === OKX_CODES.duplicateClOrdId) {
          // Our own earlier attempt got through: the order exists under this clOrdId.
          const existing = await this.reconcile(request.instrumentId, request.clientOrderId);
          if (existing) return existing;
        }
        if (!error.ambiguous) throw new OrderRejectedError(error.sCode ?? error.code, error.message, request.clientOrderId);
        this.logger.warn({ clOrdId: request.clientOrderId, attempt, reason: error.message }, 'okx order placement unanswered, reconciling by clOrdId');
        const found = await this.reconcile(request.instrumentId, request.clientOrderId);
        if (found) return found;
      }
    }
    const final = await this.reconcile(request.instrumentId, request.clientOrderId);
    if (final) return final;
    throw new OrderRejectedError('placement-unconfirmed', 'order placement could not be confirmed', request.clientOrderId);
  }

  async amendOrder(instrumentId: InstrumentId, clientOrderId: string, changes: { price?: Decimal; quantity?: Decimal; beforeSend?: () => void }): Promise<OrderState> {
    const instId = instIdOf(instrumentId);
    try {
      await this.rest.call('trade/amend-order', (c) =>
        c.amendOrder({
          instId,
          clOrdId: clientOrderId,
          ...(changes.price ? { newPx: changes.price.toFixed() } : {}),
          ...(changes.quantity ? { newSz: changes.quantity.toFixed() } : {}),
        }),
        changes.beforeSend,
      );
    } catch (error) {
      if (!(error instanceof OkxRequestError) || !error.ambiguous) throw this.rejection(error, clientOrderId);
    }
    return this.requireOrder(instrumentId, clientOrderId);
  }

  async cancelOrder(instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState> {
    const instId = instIdOf(instrumentId);
    try {
      await this.rest.call('trade/cancel-order', (c) => c.cancelOrder({ instId, clOrdId: clientOrderId }));
    } catch (error) {
      const gone =
        error instanceof OkxRequestError &&
        (error.ambiguous || error.sCode === OKX_CODES.cancelFailedCanceled || error.sCode === OKX_CODES.cancelFailedFilled || error.sCode === OKX_CODES.cancelFailedGone);
      if (!gone) throw this.rejection(error, clientOrderId);
      const state = await this.fetchOrderByClientId(instrumentId, clientOrderId);
      if (state) return state;
      throw this.rejection(error, clientOrderId);
    }
    return this.requireOrder(instrumentId, clientOrderId);
  }

  async cancelAllOrders(instrumentId?: InstrumentId): Promise<OrderState[]> {
    const open = await this.fetchOpenOrders(instrumentId);
    const cancelled: OrderState[] = [];
    for (let i = 0; i < open.length; i += 20) {
      const chunk = open.slice(i, i + 20);
      try {
        await this.rest.call('trade/cancel-batch-orders', (c) =>
          c.cancelMultipleOrders(chunk.map((o) => ({ instId: instIdOf(o.instrumentId), clOrdId: o.clientOrderId }))),
        );
      } catch (error) {
        // A partly failed batch (code 2) throws too; the per-order states below say what happened.
        this.logger.warn({ err: error }, 'okx cancel batch reported failures');
      }
      for (const o of chunk) {
        const state = await this.fetchOrderByClientId(o.instrumentId, o.clientOrderId);
        if (state?.status === 'CANCELLED') cancelled.push(state);
      }
    }
    return cancelled;
  }

  async fetchOpenOrders(instrumentId?: InstrumentId): Promise<OrderState[]> {
    const rows: unknown[] = await this.rest.call('trade/orders-pending', (c) => c.getOrderList(instrumentId ? ({ instId: instIdOf(instrumentId) } as OrderHistoryRequest) : undefined));
    const out: OrderState[] = [];
    for (const row of rows) {
      const parsed = parseOrder(row);
      if (parsed) out.push(this.remember(parsed.order));
      else this.logger.warn({ row }, 'okx: malformed order dropped');
    }
    return out;
  }

  async fetchOrderByClientId(instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState | null> {
    try {
      const rows: unknown[] = await this.rest.call('trade/order:get', (c) => c.getOrderDetails({ instId: instIdOf(instrumentId), clOrdId: clientOrderId }));
      const parsed = parseOrder(rows[0]);
      return parsed ? this.remember(parsed.order) : null;
    } catch (error) {
      if (error instanceof OkxRequestError && (error.code === OKX_CODES.orderNotFound || error.sCode === OKX_CODES.orderNotFound)) return null;
      throw error;
    }
  }

  async fetchBalances(): Promise<BalanceState[]> {
    const rows: unknown[] = await this.rest.call('account/balance', (c) => c.getBalance());
    return parseBalances(rows[0]) ?? [];
  }

  async fetchPositions(instrumentId?: InstrumentId): Promise<PositionState[]> {
    const rows: unknown[] = await this.rest.call('account/positions', (c) => c.getPositions(instrumentId ? { instId: instIdOf(instrumentId) } : {}));
    const out: PositionState[] = [];
    for (const row of rows) {
      const p = parsePosition(row);
      if (p && !p.quantity.isZero()) out.push(p);
    }
    return out;
  }

  async setLeverage(instrumentId: InstrumentId, leverage: number, marginMode: MarginMode): Promise<void> {
    if (marginMode === 'cash') throw new Error('leverage does not apply to cash (spot) trading');
    try {
      await this.rest.call('account/set-leverage', (c) => c.setLeverage({ instId: instIdOf(instrumentId), lever: String(leverage), mgnMode: marginMode }));
    } catch (error) {
      throw this.rejection(error, '');
    }
  }

  /** Re-reads open orders, every cached non-terminal order, balances and positions; emits what changed. */
  async resyncPrivate(): Promise<void> {
    try {
      const open = await this.fetchOpenOrders();
      const openIds = new Set(open.map((o) => o.clientOrderId));
      for (const cached of [...this.orders.values()]) {
        if (openIds.has(cached.clientOrderId) || isTerminalOrderStatus(cached.status)) continue;
        await this.fetchOrderByClientId(cached.instrumentId, cached.clientOrderId);
      }
      for (const balance of await this.fetchBalances()) this.emit({ type: 'balance', balance });
      for (const position of await this.fetchPositions()) this.emit({ type: 'position', position });
    } catch (error) {
      this.logger.warn({ err: error }, 'okx private resync after reconnect failed');
    }
    await this.fundingBills.read();
  }

  /** The cached state of an order (latest seen), for tests and the order tracker. */
  cachedOrder(clientOrderId: string): OrderState | undefined {
    return this.orders.get(clientOrderId);
  }

  private isSpot(instrumentId: InstrumentId): boolean {
    const known = this.instruments.getInstrument(instrumentId);
    if (known) return known.kind === 'spot';
    return instIdOf(instrumentId).split('-').length === 2;
  }

  private acknowledged(request: OrderRequest, ordId: string | null): OrderState {
    const cached = this.orders.get(request.clientOrderId);
    if (cached) return cached;
    const now = Date.now();
    return this.remember({
      clientOrderId: request.clientOrderId,
      exchangeOrderId: ordId,
      instrumentId: request.instrumentId,
      side: request.side,
      type: request.type,
      price: request.price ?? null,
      quantity: request.quantity,
      filledQuantity: request.quantity.mul(0),
      averageFillPrice: null,
      status: 'OPEN',
      fee: request.quantity.mul(0),
      feeCurrency: '',
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Looks the order up by clOrdId, retrying while the venue itself is unreachable. */
  private async reconcile(instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState | null> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fetchOrderByClientId(instrumentId, clientOrderId);
      } catch (error) {
        if (!(error instanceof OkxRequestError) || !error.ambiguous || attempt >= 4) throw error;
        await sleep(200 * 2 ** attempt);
      }
    }
  }

  private async requireOrder(instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState> {
    const state = await this.reconcile(instrumentId, clientOrderId);
    if (!state) throw new OrderRejectedError(OKX_CODES.orderNotFound, 'order does not exist', clientOrderId);
    return state;
  }

  private rejection(error: unknown, clientOrderId: string): unknown {
    if (error instanceof OkxRequestError && !error.ambiguous) return new OrderRejectedError(error.sCode ?? error.code, error.message, clientOrderId);
    return error;
  }

  /** Keeps the most advanced state (a late push never moves an order backwards) and emits it when it changed. */
  private remember(next: OrderState): OrderState {
    const current = this.orders.get(next.clientOrderId);
    if (current) {
      const advances = canAdvanceOrderStatus(current.status, next.status) || next.filledQuantity.gt(current.filledQuantity);
      if (!advances || next.filledQuantity.lt(current.filledQuantity)) return current;
      const unchanged =
        current.status === next.status &&
        current.filledQuantity.eq(next.filledQuantity) &&
        current.quantity.eq(next.quantity) &&
        (current.price?.toString() ?? '') === (next.price?.toString() ?? '') &&
        current.exchangeOrderId === next.exchangeOrderId;
      if (unchanged) return current;
    }
    this.orders.set(next.clientOrderId, next);
    this.emit({ type: 'order', order: next });
    this.checkFills(next);
    return next;
  }

  private onOrderRow(row: unknown): void {
    const parsed = parseOrder(row);
    if (!parsed) {
      this.logger.warn({ row }, 'okx: malformed order push dropped');
      return;
    }
    this.remember(parsed.order);
    if (parsed.fill) this.emitFill(parsed.fill);
  }

  /** Emits a fill once per (ordId, tradeId) and counts it towards its order. */
  private emitFill(fill: FillReport): boolean {
    const key = `${fill.exchangeOrderId ?? ''}:${fill.fillId}`;
    if (this.seenFills.has(key)) return false;
    this.seenFills.add(key);
    if (this.seenFills.size > 100_000) {
      const oldest = this.seenFills.values().next().value;
      if (oldest !== undefined) this.seenFills.delete(oldest);
    }
    const id = fill.clientOrderId;
    this.reportedFilled.set(id, (this.reportedFilled.get(id) ?? fill.quantity.mul(0)).add(fill.quantity));
    this.emit({ type: 'fill', fill });
    return true;
  }

  /** The order state shows more filled than its reported fills: read the executions after a short wait. */
  private checkFills(order: OrderState): void {
    if (this.closed || order.filledQuantity.isZero()) return;
    const reported = this.reportedFilled.get(order.clientOrderId);
    if (reported !== undefined && reported.gte(order.filledQuantity)) return;
    if (this.recovering.has(order.clientOrderId)) {
      this.recovering.set(order.clientOrderId, true);
      return;
    }
    this.recovering.set(order.clientOrderId, false);
    void this.recoverOrderFills(order.clientOrderId);
  }

  private async recoverOrderFills(clientOrderId: string): Promise<void> {
    try {
      await sleep(this.options.fillRecoveryDelayMs ?? 300);
      for (;;) {
        this.recovering.set(clientOrderId, false);
        const order = this.orders.get(clientOrderId);
        if (this.closed || !order?.exchangeOrderId) return;
        const reported = this.reportedFilled.get(clientOrderId);
        if (reported !== undefined && reported.gte(order.filledQuantity)) return;
        const ordId = order.exchangeOrderId;
        const rows: unknown[] = await this.rest.call('trade/fills', (c) => c.getFills({ ordId, limit: String(FILLS_PAGE) }));
        const fills = rows.map((row) => parseFillRow(row)).filter((fill) => fill !== null && fill.exchangeOrderId === ordId);
        let emitted = 0;
        // The venue lists newest first: report in execution order.
        for (const fill of fills.reverse()) {
          if (fill === null) continue;
          const { billId: _billId, ...report } = fill;
          if (this.emitFill(report)) emitted += 1;
        }
        if (emitted > 0) this.logger.info({ clOrdId: clientOrderId, ordId, emitted }, 'okx: fills recovered from trade/fills (their pushes were missed)');
        if (this.recovering.get(clientOrderId) !== true) return;
      }
    } catch (error) {
      this.logger.warn({ err: error, clOrdId: clientOrderId }, 'okx: reading the fills of an order failed');
    } finally {
      this.recovering.delete(clientOrderId);
    }
  }

  private emit(event: ExecutionEvent): void {
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (error) {
        this.logger.error({ err: error }, 'execution handler failed');
      }
    }
  }
}
