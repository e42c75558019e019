/**
 * "Live" execution for the fidelity harness: an ExecutionPort whose orders go into the exchange simulator's own
 * order book and are matched by its matching engine (against background takers, the generator's crossing quotes,
 * and whatever else trades there). Requests take effect `latencyMs` of simulated time after they are sent — the
 * same latency the paper matcher applies — and are delivered by `advance(now)`, which the session calls before each
 * market step. The exchange's order and fill reports come back at once (as over the private WebSocket).
 */
import type { Decimal } from 'decimal.js';
import type { MarginMode, OrderStatus, OrderType } from '@trading/shared-types';
import type { OkxAccount, OkxExchange, OkxOrder } from '@trading/exchange-sim';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import type { BalanceState, ExecutionEvent, ExecutionPort, OrderRequest, OrderState, PositionState } from '../ports/execution.js';
import { ZERO } from '../core/decimal.js';

const ORD_TYPE: Record<OrderType, string> = { LIMIT: 'limit', MARKET: 'market', POST_ONLY: 'post_only', IOC: 'ioc', FOK: 'fok' };

interface PendingRequest {
  at: number;
  seq: number;
  run: () => void;
}

function statusOf(order: OkxOrder): OrderStatus {
  switch (order.state) {
    case 'live':
      return 'OPEN';
    case 'partially_filled':
      return 'PARTIALLY_FILLED';
    case 'filled':
      return 'FILLED';
    case 'canceled':
      return 'CANCELLED';
  }
}

export class SimExchangeExecution implements ExecutionPort {
  private readonly account: OkxAccount;
  private readonly handlers = new Set<(event: ExecutionEvent) => void>();
  private readonly states = new Map<string, OrderState>();
  /** Client ids of orders not yet terminal (what cancel-all iterates; `states` keeps the history). */
  private readonly open = new Set<string>();
  private readonly pending: PendingRequest[] = [];
  private seq = 0;

  constructor(
    private readonly exchange: OkxExchange,
    private readonly instrument: Instrument,
    private readonly now: () => number,
    private readonly latencyMs: number,
    balances: Record<string, string>,
    leverage: number,
  ) {
    this.account = exchange.addAccount({ apiKey: 'fidelity', secret: 'fidelity', passphrase: 'fidelity' }, balances);
    if (instrument.kind !== 'spot') exchange.setLeverage(this.account, instrument.symbol, 'cross', leverage);
    exchange.addListener({
      onOrder: (apiKey, order) => {
        if (apiKey === 'fidelity') this.onOrder(order);
      },
      onPosition: () => undefined,
      onBalance: () => undefined,
      onTrade: () => undefined,
    });
  }

  /** Delivers every request due at or before `now`, in send order; `setTime` moves the clock to each due time. */
  advance(now: number, setTime: (time: number) => void): void {
    while (this.pending.length > 0) {
      const next = this.pending[0];
      if (next === undefined || next.at > now) return;
      this.pending.shift();
      setTime(next.at);
      next.run();
    }
  }

  createOrder(request: OrderRequest): Promise<OrderState> {
    const now = this.now();
    const state: OrderState = {
      clientOrderId: request.clientOrderId,
      exchangeOrderId: null,
      instrumentId: request.instrumentId,
      side: request.side,
      type: request.type,
      price: request.price ?? null,
      quantity: request.quantity,
      filledQuantity: ZERO,
      averageFillPrice: null,
      status: 'PENDING',
      fee: ZERO,
      feeCurrency: this.instrument.settleCurrency,
      createdAt: now,
      updatedAt: now,
    };
    this.states.set(request.clientOrderId, state);
    this.open.add(request.clientOrderId);
    this.schedule(() => {
      const result = this.exchange.placeOrder(this.account, {
        instId: this.instrument.symbol,
        tdMode: this.instrument.kind === 'spot' ? 'cash' : request.marginMode === 'isolated' ? 'isolated' : 'cross',
        side: request.side === 'BUY' ? 'buy' : 'sell',
        ordType: ORD_TYPE[request.type],
        sz: request.quantity.toFixed(),
        ...(request.price === undefined ? {} : { px: request.price.toFixed() }),
        clOrdId: request.clientOrderId,
        reduceOnly: request.reduceOnly ?? false,
      });
      if (result.sCode !== '0') {
        const rejected = { ...state, status: 'REJECTED' as const, reason: `${result.sCode}: ${result.sMsg}`, updatedAt: this.now() };
        this.states.set(request.clientOrderId, rejected);
        this.open.delete(request.clientOrderId);
        this.emit({ type: 'order', order: rejected });
      }
    });
    return Promise.resolve({ ...state });
  }

  amendOrder(_instrumentId: InstrumentId, clientOrderId: string, changes: { price?: Decimal; quantity?: Decimal }): Promise<OrderState> {
    this.schedule(() => {
      this.exchange.amendOrder(this.account, {
        instId: this.instrument.symbol,
        clOrdId: clientOrderId,
        ...(changes.price === undefined ? {} : { newPx: changes.price.toFixed() }),
        ...(changes.quantity === undefined ? {} : { newSz: changes.quantity.toFixed() }),
      });
    });
    return Promise.resolve(this.stateOf(clientOrderId));
  }

  cancelOrder(_instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState> {
    this.schedule(() => {
      this.exchange.cancelOrder(this.account, { instId: this.instrument.symbol, clOrdId: clientOrderId });
    });
    return Promise.resolve(this.stateOf(clientOrderId));
  }

  cancelAllOrders(instrumentId?: InstrumentId): Promise<OrderState[]> {
    const open = this.openStates(instrumentId);
    // Cancels go out for every order the bot believes open, including ones still in flight (they arrive first).
    for (const state of open) void this.cancelOrder(state.instrumentId, state.clientOrderId);
    return Promise.resolve(open.map((state) => ({ ...state })));
  }

  fetchOpenOrders(instrumentId?: InstrumentId): Promise<OrderState[]> {
    return Promise.resolve(this.openStates(instrumentId).map((state) => ({ ...state })));
  }

  fetchOrderByClientId(_instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState | null> {
    const state = this.states.get(clientOrderId);
    return Promise.resolve(state ? { ...state } : null);
  }

  fetchBalances(): Promise<BalanceState[]> {
    return Promise.resolve(
      [...this.account.cash.entries()].map(([currency, total]) => {
        const available = this.exchange.available(this.account, currency);
        return { currency, total, available, frozen: total.sub(available) };
      }),
    );
  }

  fetchPositions(): Promise<PositionState[]> {
    return Promise.resolve([]);
  }

  setLeverage(instrumentId: InstrumentId, leverage: number, marginMode: MarginMode): Promise<void> {
    this.exchange.setLeverage(this.account, instrumentId.replace(/^okx:/, ''), marginMode, leverage);
    return Promise.resolve();
  }

  onExecution(handler: (event: ExecutionEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** Net position of this account in the simulator (sum over margin modes). */
  venuePosition(): Decimal {
    let total = ZERO;
    for (const position of this.account.positions.values()) if (position.def.instId === this.instrument.symbol) total = total.add(position.pos);
    return total;
  }

  private openStates(instrumentId?: InstrumentId): OrderState[] {
    const result: OrderState[] = [];
    for (const clientOrderId of this.open) {
      const state = this.states.get(clientOrderId);
      if (state && (instrumentId === undefined || state.instrumentId === instrumentId)) result.push(state);
    }
    return result;
  }

  private stateOf(clientOrderId: string): OrderState {
    const state = this.states.get(clientOrderId);
    if (!state) throw new Error(`unknown order ${clientOrderId}`);
    return { ...state };
  }

  private schedule(run: () => void): void {
    // One latency for every request type: requests arrive in the order they were sent.
    this.pending.push({ at: this.now() + this.latencyMs, seq: this.seq++, run });
  }

  private onOrder(order: OkxOrder): void {
    const previous = this.states.get(order.clOrdId);
    if (!previous) return;
    const state: OrderState = {
      ...previous,
      exchangeOrderId: order.ordId,
      price: order.px,
      quantity: order.sz,
      filledQuantity: order.accFillSz,
      averageFillPrice: order.accFillSz.gt(0) ? order.fillValue.div(order.accFillSz) : null,
      status: statusOf(order),
      // OKX reports fees negative when paid; the engine's convention is positive = paid.
      fee: order.fee.neg(),
      updatedAt: order.uTime,
    };
    this.states.set(order.clOrdId, state);
    if (isTerminal(state.status)) {
      this.open.delete(order.clOrdId);
      // The simulated account keeps every order ever placed and its balance check walks them all; a session places
      // tens of thousands, so finished ones are dropped (they no longer reserve anything; ids are never reused).
      this.account.orders.delete(order.ordId);
      this.account.byClOrdId.delete(order.clOrdId);
    }
    const fill = order.lastFill;
    if (fill) {
      this.emit({
        type: 'fill',
        fill: {
          fillId: fill.tradeId,
          clientOrderId: order.clOrdId,
          exchangeOrderId: order.ordId,
          instrumentId: this.instrument.id,
          side: previous.side,
          price: fill.px,
          quantity: fill.sz,
          fee: fill.fee.neg(),
          feeCurrency: fill.feeCcy,
          role: fill.execType === 'M' ? 'maker' : 'taker',
          timestamp: fill.ts,
        },
      });
    }
    this.emit({ type: 'order', order: { ...state } });
  }

  private emit(event: ExecutionEvent): void {
    for (const handler of this.handlers) handler(event);
  }
}

function isTerminal(status: OrderStatus): boolean {
  return status === 'FILLED' || status === 'CANCELLED' || status === 'REJECTED' || status === 'EXPIRED' || status === 'FAILED';
}

