/**
 * A paper account: the ExecutionPort of one simulated wallet on a PaperVenue. Orders go through the same interface
 * (and, in the engine, the same risk checks) as live ones; only fills are simulated. It keeps exact balances and
 * positions with the venue's rules:
 * - cash instruments (spot, Polymarket shares): a BUY pays price × quantity + fee, a SELL needs the holding;
 * - linear derivatives (OKX swaps/futures): leverage, isolated or cross margin, mark price, funding at the funding
 *   times, maintenance margin and liquidation at the liquidation price (paper/margin.ts);
 * - Polymarket resolution settles the shares at 1 or 0.
 */
import { Decimal } from 'decimal.js';
import type { FillRole, MarginMode, PaperAccountCheckpoint } from '@trading/shared-types';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import {
  OrderRejectedError,
  type BalanceState,
  type ExecutionEvent,
  type ExecutionPort,
  type OrderRequest,
  type OrderState,
  type PositionState,
} from '../ports/execution.js';
import { ZERO, compareDecimals } from '../core/decimal.js';
import { applyFill, flatPosition, markPosition, type PositionView } from '../domain/position.js';
import { holdingFromCheckpoint, holdingToCheckpoint } from '../domain/position-checkpoint.js';
import { checkVenueRules } from './venue-rules.js';
import { defaultFeeModel } from './fee-model.js';
import { DEFAULT_MMR } from './constants.js';
import { fundingPayment, initialMargin, isLiquidatable, liquidationPrice } from './margin.js';
import type { SimOrder } from './matching-engine.js';
import type { PaperVenue, VenueListener } from './paper-venue.js';

export interface PaperAccountConfig {
  /** Unique per venue. */
  accountId: string;
  /** Start of every fill id (default: accountId); must be unique over time, not only per venue. */
  fillIdPrefix?: string;
  /** Starting cash per currency, e.g. { USDT: '10000' }. */
  initialBalances: Record<string, Decimal>;
  /** Leverage of new derivative positions until setLeverage; default 1. */
  defaultLeverage?: number;
  defaultMarginMode?: Exclude<MarginMode, 'cash'>;
}

interface AccountPosition {
  view: PositionView;
  leverage: number;
  marginMode: MarginMode;
  /** Isolated margin held by the position (zero in cross). */
  margin: Decimal;
}

interface AccountOrder {
  sim: SimOrder;
  state: OrderState;
  notional: Decimal;
}

function isDerivative(instrument: Instrument): boolean {
  return instrument.kind === 'swap' || instrument.kind === 'futures';
}

export class PaperExecution implements ExecutionPort, VenueListener {
  readonly id: string;
  private readonly cash = new Map<string, Decimal>();
  private readonly positions = new Map<InstrumentId, AccountPosition>();
  private readonly orders = new Map<string, AccountOrder>();
  /** Orders not yet done: what reservations, cancel-all and open-order queries iterate (never the history). */
  private readonly live = new Map<string, AccountOrder>();
  /** Ids of finished orders, oldest first; the history is trimmed to keep memory flat. */
  private readonly finished: string[] = [];
  private readonly leverage = new Map<InstrumentId, { leverage: number; marginMode: MarginMode }>();
  private readonly handlers = new Set<(event: ExecutionEvent) => void>();
  private fillSeq = 0;
  private readonly fillIdPrefix: string;
  /** Liquidation prices, recomputed only when a position, the cash or (for several cross positions) a mark changed. */
  private readonly liqCache = new Map<InstrumentId, Decimal | null>();
  /** positionMargin's last answer per position, with the (immutable) inputs it was computed from. */
  private readonly marginMemo = new WeakMap<
    AccountPosition,
    { quantity: Decimal; averageEntryPrice: Decimal; contractValue: Decimal; leverage: number; margin: Decimal }
  >();

  constructor(
    private readonly venue: PaperVenue,
    private readonly config: PaperAccountConfig,
  ) {
    this.id = config.accountId;
    this.fillIdPrefix = config.fillIdPrefix ?? config.accountId;
    for (const [currency, amount] of Object.entries(config.initialBalances)) this.cash.set(currency, amount);
    venue.register(this);
  }

  // ---- ExecutionPort -------------------------------------------------------------------------------------------

  createOrder(request: OrderRequest): Promise<OrderState> {
    const instrument = this.venue.getInstrument(request.instrumentId);
    if (!instrument)
      return Promise.reject(
        new OrderRejectedError('51001', `unknown instrument ${request.instrumentId}`, request.clientOrderId),
      );
    if (this.orders.has(request.clientOrderId)) {
      const code = instrument.exchange === 'polymarket' ? 'INVALID_ORDER_DUPLICATED' : '51016';
      return Promise.reject(new OrderRejectedError(code, 'duplicate client order id', request.clientOrderId));
    }
    const violation = checkVenueRules(instrument, {
      type: request.type,
      price: request.price,
      quantity: request.quantity,
    });
    if (violation)
      return Promise.reject(
        new OrderRejectedError(violation.venueCode, violation.message, request.clientOrderId),
      );
    const now = this.venue.clock.now();
    const sim: SimOrder = {
      request,
      instrument,
      ownerId: this.id,
      price: request.price ?? null,
      quantity: request.quantity,
      filled: ZERO,
      queueAhead: ZERO,
      queueLevel: ZERO,
      queueTraded: ZERO,
      queueOrders: undefined,
      levelHint: 0,
      active: false,
      done: false,
    };
    const state: OrderState = {
      clientOrderId: request.clientOrderId,
      exchangeOrderId: `paper-${this.id}-${request.clientOrderId}`,
      instrumentId: request.instrumentId,
      side: request.side,
      type: request.type,
      price: request.price ?? null,
      quantity: request.quantity,
      filledQuantity: ZERO,
      averageFillPrice: null,
      status: 'PENDING',
      fee: ZERO,
      feeCurrency: instrument.settleCurrency,
      createdAt: now,
      updatedAt: now,
    };
    const record: AccountOrder = { sim, state, notional: ZERO };
    this.orders.set(request.clientOrderId, record);
    this.live.set(request.clientOrderId, record);
    this.venue.follow(this, request.instrumentId);
    this.venue.matching.submit(sim, now);
    this.venue.advance(now);
    const after = { ...state };
    if (after.status === 'REJECTED') {
      return Promise.reject(
        new OrderRejectedError(
          after.reason?.split(':')[0] ?? 'REJECTED',
          after.reason ?? 'rejected',
          request.clientOrderId,
        ),
      );
    }
    return Promise.resolve(after);
  }

  amendOrder(
    instrumentId: InstrumentId,
    clientOrderId: string,
    changes: { price?: Decimal; quantity?: Decimal },
  ): Promise<OrderState> {
    const order = this.orders.get(clientOrderId);
    const instrument = this.venue.getInstrument(instrumentId);
    if (!order || !instrument || order.sim.done)
      return Promise.reject(new OrderRejectedError('51603', 'order does not exist', clientOrderId));
    if (instrument.exchange === 'polymarket') {
      return Promise.reject(
        new OrderRejectedError(
          'AMEND_NOT_SUPPORTED',
          'Polymarket has no amend: cancel and place a new order',
          clientOrderId,
        ),
      );
    }
    const violation = checkVenueRules(instrument, {
      type: order.sim.request.type,
      price: changes.price ?? order.sim.price ?? undefined,
      quantity: changes.quantity ?? order.sim.quantity,
    });
    if (violation)
      return Promise.reject(new OrderRejectedError(violation.venueCode, violation.message, clientOrderId));
    const now = this.venue.clock.now();
    this.venue.matching.amend(order.sim, now, changes);
    this.venue.advance(now);
    return Promise.resolve({ ...order.state });
  }

  cancelOrder(instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState> {
    const order = this.orders.get(clientOrderId);
    if (!order || order.state.instrumentId !== instrumentId)
      return Promise.reject(new OrderRejectedError('51400', 'order does not exist', clientOrderId));
    if (!order.sim.done) {
      const now = this.venue.clock.now();
      this.venue.matching.cancel(order.sim, now);
      this.venue.advance(now);
    }
    return Promise.resolve({ ...order.state });
  }

  cancelAllOrders(instrumentId?: InstrumentId): Promise<OrderState[]> {
    const now = this.venue.clock.now();
    const touched: AccountOrder[] = [];
    for (const order of this.live.values()) {
      if (order.sim.done || (instrumentId !== undefined && order.state.instrumentId !== instrumentId))
        continue;
      this.venue.matching.cancel(order.sim, now);
      touched.push(order);
    }
    this.venue.advance(now);
    return Promise.resolve(touched.map((order) => ({ ...order.state })));
  }

  fetchOpenOrders(instrumentId?: InstrumentId): Promise<OrderState[]> {
    return Promise.resolve(this.openOrders(instrumentId).map((order) => ({ ...order.state })));
  }

  fetchOrderByClientId(_instrumentId: InstrumentId, clientOrderId: string): Promise<OrderState | null> {
    const order = this.orders.get(clientOrderId);
    return Promise.resolve(order ? { ...order.state } : null);
  }

  fetchBalances(): Promise<BalanceState[]> {
    return Promise.resolve([...this.cash.keys()].map((currency) => this.balanceState(currency)));
  }

  fetchPositions(instrumentId?: InstrumentId): Promise<PositionState[]> {
    const list = [...this.positions.keys()].filter((id) => instrumentId === undefined || id === instrumentId);
    return Promise.resolve(list.map((id) => this.positionState(id)));
  }

  setLeverage(instrumentId: InstrumentId, leverage: number, marginMode: MarginMode): Promise<void> {
    const instrument = this.venue.getInstrument(instrumentId);
    if (!instrument || !isDerivative(instrument))
      return Promise.reject(new OrderRejectedError('51000', 'leverage applies to derivatives only', ''));
    if (
      !Number.isInteger(leverage) ||
      leverage < 1 ||
      (instrument.maxLeverage !== null && leverage > instrument.maxLeverage)
    ) {
      return Promise.reject(new OrderRejectedError('59102', `leverage ${String(leverage)} out of range`, ''));
    }
    const position = this.positions.get(instrumentId);
    if (position && !position.view.quantity.isZero() && position.marginMode !== marginMode) {
      return Promise.reject(
        new OrderRejectedError('59000', 'cannot change margin mode with an open position', ''),
      );
    }
    this.leverage.set(instrumentId, { leverage, marginMode });
    this.liqCache.clear();
    if (position && !position.view.quantity.isZero()) {
      position.leverage = leverage;
      if (marginMode === 'isolated') {
        // Re-margin the isolated position at the new leverage (the difference moves to or from cash).
        const target = initialMargin(
          position.view.quantity,
          instrument.contractValue,
          position.view.averageEntryPrice,
          leverage,
        );
        this.addCash(instrument.settleCurrency, position.margin.sub(target));
        position.margin = target;
      }
      this.emitPosition(instrumentId);
    }
    return Promise.resolve();
  }

  onExecution(handler: (event: ExecutionEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  // ---- queries -------------------------------------------------------------------------------------------------

  cashBalance(currency: string): Decimal {
    return this.cash.get(currency) ?? ZERO;
  }

  position(instrumentId: InstrumentId): PositionView {
    const position = this.positions.get(instrumentId);
    return position ? this.marked(position) : flatPosition(instrumentId);
  }

  /** The position's view at the venue's current mark (marks arrive far more often than they are needed). */
  private marked(position: AccountPosition): PositionView {
    const view = position.view;
    const mark = this.venue.markPrice(view.instrumentId);
    if (mark === null || (view.markPrice !== null && compareDecimals(view.markPrice, mark) === 0)) return view;
    const instrument = this.venue.getInstrument(view.instrumentId);
    if (!instrument) return view;
    position.view = markPosition(view, mark, instrument.contractValue);
    return position.view;
  }

  isolatedMargin(instrumentId: InstrumentId): Decimal {
    return this.positions.get(instrumentId)?.margin ?? ZERO;
  }

  /** Estimated liquidation price of a derivative position (docs/paper-trading.md). */
  liquidationPrice(instrumentId: InstrumentId): Decimal | null {
    const cached = this.liqCache.get(instrumentId);
    if (cached !== undefined) return cached;
    const price = this.computeLiquidationPrice(instrumentId);
    this.liqCache.set(instrumentId, price);
    return price;
  }

  private computeLiquidationPrice(instrumentId: InstrumentId): Decimal | null {
    const position = this.positions.get(instrumentId);
    const instrument = this.venue.getInstrument(instrumentId);
    if (!position || !instrument || !isDerivative(instrument) || position.view.quantity.isZero()) return null;
    return liquidationPrice({
      quantity: position.view.quantity,
      contractValue: instrument.contractValue,
      averageEntryPrice: position.view.averageEntryPrice,
      margin:
        position.marginMode === 'isolated'
          ? position.margin
          : this.crossFreeEquity(instrument.settleCurrency, instrumentId),
      maintenanceMarginRate: this.mmr(instrument),
      liquidationFeeRate: instrument.takerFeeRate,
    });
  }

  close(): void {
    this.venue.unregister(this);
    this.handlers.clear();
  }

  /** Cash, positions and leverage settings (not the open orders: an adopter re-quotes) for the bot's checkpoint. */
  toCheckpoint(exchange: PaperAccountCheckpoint['exchange']): PaperAccountCheckpoint {
    return {
      exchange,
      cash: Object.fromEntries([...this.cash].map(([currency, amount]) => [currency, amount.toFixed()])),
      positions: [...this.positions.values()].map((position) => ({
        view: holdingToCheckpoint(position.view),
        leverage: position.leverage,
        marginMode: position.marginMode,
        margin: position.margin.toFixed(),
      })),
      leverage: [...this.leverage].map(([instrumentId, setting]) => ({ instrumentId, ...setting })),
    };
  }

  /**
   * Continues a dead owner's paper account: its cash, positions and leverage replace this (new, empty) account's.
   * Only before the account has orders — an account that already traded would mix two histories.
   */
  restore(checkpoint: PaperAccountCheckpoint): void {
    if (this.orders.size > 0) throw new Error(`paper account ${this.id} already has orders: restore it before trading`);
    for (const saved of checkpoint.positions)
      if (!this.venue.getInstrument(saved.view.instrumentId as InstrumentId))
        throw new Error(`checkpoint holds ${saved.view.instrumentId}, an instrument this venue does not know`);
    this.cash.clear();
    for (const [currency, amount] of Object.entries(checkpoint.cash))
      if (amount !== undefined) this.cash.set(currency, new Decimal(amount));
    this.positions.clear();
    this.liqCache.clear();
    for (const saved of checkpoint.positions) {
      const view = holdingFromCheckpoint(saved.view);
      this.positions.set(view.instrumentId, {
        view,
        leverage: saved.leverage,
        marginMode: saved.marginMode,
        margin: new Decimal(saved.margin),
      });
      // Marks, funding and liquidation reach an account only for instruments it follows.
      if (!view.quantity.isZero()) this.venue.follow(this, view.instrumentId);
    }
    this.leverage.clear();
    for (const setting of checkpoint.leverage)
      this.leverage.set(setting.instrumentId as InstrumentId, { leverage: setting.leverage, marginMode: setting.marginMode });
  }


  // ---- VenueListener -------------------------------------------------------------------------------------------

  onArrive(order: SimOrder): { code: string; message: string } | null {
    const instrument = order.instrument;
    const polymarket = instrument.exchange === 'polymarket';
    const position = this.position(instrument.id).quantity;
    const side = order.request.side;
    const signed = side === 'BUY' ? order.quantity : order.quantity.neg();
    if (
      order.request.reduceOnly === true &&
      (position.isZero() || position.isNeg() === signed.isNeg() || order.quantity.gt(position.abs()))
    ) {
      return {
        code: polymarket ? 'INVALID_ORDER_ERROR' : '51169',
        message: 'reduce-only order would open or increase a position',
      };
    }
    const price = order.price ?? this.referencePrice(order);
    if (price === null)
      return {
        code: polymarket ? 'INVALID_ORDER_ERROR' : '51000',
        message: 'no price to value a market order',
      };
    const notEnough = polymarket ? 'INVALID_ORDER_NOT_ENOUGH_BALANCE' : '51008';
    if (!isDerivative(instrument)) {
      if (side === 'BUY') {
        const cost = price.mul(order.quantity).mul(instrument.contractValue);
        if (compareDecimals(cost, this.availableCash(instrument.settleCurrency)) > 0)
          return { code: notEnough, message: 'not enough balance / allowance' };
      } else {
        const held = position.sub(this.openSellQuantity(instrument.id, order));
        if (compareDecimals(order.quantity, held) > 0)
          return { code: notEnough, message: 'not enough shares / balance to sell' };
      }
      this.reserve(order, price);
      return null;
    }
    const opening =
      position.isZero() || position.isNeg() === signed.isNeg()
        ? order.quantity
        : Decimal.max(ZERO, order.quantity.sub(position.abs()));
    if (compareDecimals(opening, ZERO) > 0) {
      const settings = this.settings(instrument.id);
      const required = initialMargin(opening, instrument.contractValue, price, settings.leverage);
      if (compareDecimals(required, this.availableCash(instrument.settleCurrency)) > 0)
        return { code: notEnough, message: 'insufficient margin' };
      this.reserve(order, required);
    }
    return null;
  }

  onFill(order: SimOrder, price: Decimal, quantity: Decimal, role: FillRole): void {
    const instrument = order.instrument;
    const fee = (this.venue.config.feeModel?.(instrument) ?? defaultFeeModel(instrument)).fee(
      instrument,
      role,
      price,
      quantity,
    );
    const record = this.orders.get(order.request.clientOrderId);
    if (!record) return;
    const now = this.venue.clock.now();
    this.bookFill(instrument, order.request.side, price, quantity, fee);
    const state = record.state;
    const previousValue = (state.averageFillPrice ?? ZERO).mul(state.filledQuantity);
    state.filledQuantity = state.filledQuantity.add(quantity);
    state.averageFillPrice = previousValue.add(price.mul(quantity)).div(state.filledQuantity);
    state.fee = state.fee.add(fee);
    state.status = order.done ? 'FILLED' : 'PARTIALLY_FILLED';
    state.updatedAt = now;
    if (order.done) this.finish(state.clientOrderId);
    this.fillSeq += 1;
    this.emit({
      type: 'fill',
      fill: {
        fillId: `${this.fillIdPrefix}-f${String(this.fillSeq)}`,
        clientOrderId: state.clientOrderId,
        exchangeOrderId: state.exchangeOrderId,
        instrumentId: instrument.id,
        side: order.request.side,
        price,
        quantity,
        fee,
        feeCurrency: instrument.settleCurrency,
        role,
        timestamp: now,
      },
    });
    this.emit({ type: 'order', order: { ...state } });
    this.emitPosition(instrument.id);
    this.emitBalance(instrument.settleCurrency);
    if (isDerivative(instrument)) this.checkLiquidations(instrument.settleCurrency);
  }

  onStatus(order: SimOrder, status: 'OPEN' | 'CANCELLED' | 'REJECTED', reason?: string): void {
    const record = this.orders.get(order.request.clientOrderId);
    if (!record) return;
    const state = record.state;
    state.status = status === 'OPEN' ? (compareDecimals(state.filledQuantity, ZERO) > 0 ? 'PARTIALLY_FILLED' : 'OPEN') : status;
    if (status !== 'OPEN') this.finish(state.clientOrderId);
    if (reason !== undefined) state.reason = reason;
    state.updatedAt = this.venue.clock.now();
    this.emit({ type: 'order', order: { ...state } });
  }

  onAmended(order: SimOrder): void {
    const record = this.orders.get(order.request.clientOrderId);
    if (!record) return;
    record.state.price = order.price;
    record.state.quantity = order.quantity;
    record.state.updatedAt = this.venue.clock.now();
    this.emit({ type: 'order', order: { ...record.state } });
  }

  onMark(instrumentId: InstrumentId, _mark: Decimal): void {
    const position = this.positions.get(instrumentId);
    const instrument = this.venue.getInstrument(instrumentId);
    if (!position || !instrument) return;
    // Positions are re-marked lazily (marked()); here only the liquidation check runs, on the cached price.
    if (!isDerivative(instrument) || position.view.quantity.isZero()) return;
    // Cross liquidation prices depend on the other cross positions' PnL, hence on this mark.
    if (this.openCrossPositions() > 1) this.liqCache.clear();
    this.checkLiquidations(instrument.settleCurrency);
  }

  onFundingDue(instrumentId: InstrumentId, rate: Decimal, mark: Decimal, time: number): void {
    const position = this.positions.get(instrumentId);
    const instrument = this.venue.getInstrument(instrumentId);
    if (!position || !instrument || position.view.quantity.isZero() || !isDerivative(instrument)) return;
    const amount = fundingPayment(position.view.quantity, instrument.contractValue, mark, rate);
    position.view = { ...position.view, funding: position.view.funding.add(amount) };
    this.addCash(instrument.settleCurrency, amount);
    this.emit({
      type: 'funding',
      funding: {
        fundingId: `${this.id}-${instrumentId}-${String(time)}`,
        instrumentId,
        rate,
        positionQuantity: position.view.quantity,
        markPrice: mark,
        amount,
        currency: instrument.settleCurrency,
        timestamp: time,
      },
    });
    this.emitPosition(instrumentId);
    this.emitBalance(instrument.settleCurrency);
    this.checkLiquidations(instrument.settleCurrency);
  }

  onResolved(instrumentId: InstrumentId, price: Decimal): void {
    this.venue.matching.cancelInstrument(instrumentId, this.id, 'market resolved');
    const position = this.positions.get(instrumentId);
    const instrument = this.venue.getInstrument(instrumentId);
    if (!position || !instrument || position.view.quantity.isZero()) return;
    // Shares pay out `price` each (1 for the winner, 0 for the loser); the holding is gone.
    const quantity = position.view.quantity;
    this.addCash(instrument.settleCurrency, quantity.mul(price));
    const realized = price.sub(position.view.averageEntryPrice).mul(quantity);
    position.view = {
      ...position.view,
      quantity: ZERO,
      averageEntryPrice: ZERO,
      realizedPnl: position.view.realizedPnl.add(realized),
      unrealizedPnl: ZERO,
      markPrice: price,
    };
    this.emitPosition(instrumentId);
    this.emitBalance(instrument.settleCurrency);
  }

  // ---- internals -----------------------------------------------------------------------------------------------

  private settings(instrumentId: InstrumentId): { leverage: number; marginMode: MarginMode } {
    return (
      this.leverage.get(instrumentId) ?? {
        leverage: this.config.defaultLeverage ?? 1,
        marginMode: this.config.defaultMarginMode ?? 'cross',
      }
    );
  }

  private mmr(instrument: Instrument): Decimal {
    return this.venue.config.maintenanceMarginRate?.(instrument) ?? DEFAULT_MMR;
  }

  private referencePrice(order: SimOrder): Decimal | null {
    const book = this.venue.orderBook(order.instrument.id);
    const best = order.request.side === 'BUY' ? book?.asks[0]?.[0] : book?.bids[0]?.[0];
    return best ?? this.venue.markPrice(order.instrument.id);
  }

  private reserve(order: SimOrder, amountOrPrice: Decimal): void {
    const record = this.orders.get(order.request.clientOrderId);
    if (!record) return;
    record.notional = isDerivative(order.instrument)
      ? amountOrPrice
      : order.request.side === 'BUY'
        ? amountOrPrice.mul(order.quantity).mul(order.instrument.contractValue)
        : ZERO;
  }

  private openOrders(instrumentId?: InstrumentId): AccountOrder[] {
    return [...this.live.values()].filter(
      (order) => !order.sim.done && (instrumentId === undefined || order.state.instrumentId === instrumentId),
    );
  }

  /** Cash minus what open orders reserve (unfilled share of their reservation) and, for derivatives, cross margin. */
  private availableCash(currency: string): Decimal {
    let reserved = ZERO;
    for (const order of this.live.values()) {
      if (!order.sim.active || order.sim.done || order.sim.instrument.settleCurrency !== currency) continue;
      // An unfilled order reserves its whole notional: its share (q − 0) / q is exactly 1, and × 1 changes nothing
      // for a notional within the precision. Saves a division per open order on every arrival.
      const notional = order.notional;
      const whole =
        order.sim.filled.isZero() && notional.sd() <= Decimal.precision && order.sim.quantity.sd() <= Decimal.precision;
      reserved = reserved.add(
        whole ? notional : notional.mul(order.sim.quantity.sub(order.sim.filled).div(order.sim.quantity)),
      );
    }
    let crossUsed = ZERO;
    let crossUpl = ZERO;
    for (const [id, position] of this.positions) {
      const instrument = this.venue.getInstrument(id);
      if (
        !instrument ||
        !isDerivative(instrument) ||
        instrument.settleCurrency !== currency ||
        position.marginMode !== 'cross'
      )
        continue;
      crossUsed = crossUsed.add(this.positionMargin(position, instrument));
      crossUpl = crossUpl.add(this.marked(position).unrealizedPnl);
    }
    return this.cashBalance(currency).add(crossUpl).sub(crossUsed).sub(reserved);
  }

  /**
   * Initial margin of a cross position. Every arrival and balance report needs it while only fills change it (a
   * mark replaces the view but keeps its quantity and entry objects): remembered per position by those inputs.
   */
  private positionMargin(position: AccountPosition, instrument: Instrument): Decimal {
    const { quantity, averageEntryPrice } = position.view;
    const memo = this.marginMemo.get(position);
    if (
      memo?.quantity === quantity &&
      memo.averageEntryPrice === averageEntryPrice &&
      memo.contractValue === instrument.contractValue &&
      memo.leverage === position.leverage
    )
      return memo.margin;
    const margin = initialMargin(quantity, instrument.contractValue, averageEntryPrice, position.leverage);
    this.marginMemo.set(position, { quantity, averageEntryPrice, contractValue: instrument.contractValue, leverage: position.leverage, margin });
    return margin;
  }

  private openSellQuantity(instrumentId: InstrumentId, except: SimOrder): Decimal {
    let total = ZERO;
    for (const order of this.live.values()) {
      const sim = order.sim;
      if (
        sim === except ||
        !sim.active ||
        sim.done ||
        sim.instrument.id !== instrumentId ||
        sim.request.side !== 'SELL'
      )
        continue;
      total = total.add(sim.quantity.sub(sim.filled));
    }
    return total;
  }

  private accountPosition(instrument: Instrument): AccountPosition {
    let position = this.positions.get(instrument.id);
    if (!position) {
      const settings = this.settings(instrument.id);
      position = {
        view: flatPosition(instrument.id),
        leverage: settings.leverage,
        marginMode: isDerivative(instrument) ? settings.marginMode : 'cash',
        margin: ZERO,
      };
      this.positions.set(instrument.id, position);
    }
    return position;
  }

  private bookFill(
    instrument: Instrument,
    side: 'BUY' | 'SELL',
    price: Decimal,
    quantity: Decimal,
    fee: Decimal,
  ): void {
    const position = this.accountPosition(instrument);
    const before = position.view.quantity;
    if (before.isZero() && isDerivative(instrument)) {
      const settings = this.settings(instrument.id);
      position.leverage = settings.leverage;
      position.marginMode = settings.marginMode;
    }
    const { position: view, realized } = applyFill(
      position.view,
      side,
      price,
      quantity,
      fee,
      instrument.contractValue,
    );
    const mark = this.venue.markPrice(instrument.id);
    position.view = mark === null ? view : markPosition(view, mark, instrument.contractValue);
    const currency = instrument.settleCurrency;
    this.addCash(currency, fee.neg());
    if (!isDerivative(instrument)) {
      const value = price.mul(quantity).mul(instrument.contractValue);
      this.addCash(currency, side === 'BUY' ? value.neg() : value);
      return;
    }
    this.addCash(currency, realized);
    if (position.marginMode !== 'isolated') return;
    const after = position.view.quantity;
    const closed =
      before.isZero() || before.isNeg() === after.sub(before).isNeg()
        ? ZERO
        : Decimal.min(before.abs(), quantity);
    if (compareDecimals(closed, ZERO) > 0) {
      const release = position.margin.mul(closed).div(before.abs());
      position.margin = position.margin.sub(release);
      this.addCash(currency, release);
    }
    const opened = quantity.sub(closed);
    if (compareDecimals(opened, ZERO) > 0) {
      const margin = initialMargin(opened, instrument.contractValue, price, position.leverage);
      position.margin = position.margin.add(margin);
      this.addCash(currency, margin.neg());
    }
  }

  /** Cross free equity backing one position: cash + Σ other cross positions (upl − q·mark·(mmr + fee)). */
  private crossFreeEquity(currency: string, instrumentId: InstrumentId): Decimal {
    let equity = this.cashBalance(currency);
    for (const [id, position] of this.positions) {
      if (id === instrumentId || position.marginMode !== 'cross' || position.view.quantity.isZero()) continue;
      const instrument = this.venue.getInstrument(id);
      if (!instrument || !isDerivative(instrument) || instrument.settleCurrency !== currency) continue;
      const view = this.marked(position);
      const mark = view.markPrice ?? view.averageEntryPrice;
      const q = view.quantity.abs().mul(instrument.contractValue);
      equity = equity
        .add(view.unrealizedPnl)
        .sub(q.mul(mark).mul(this.mmr(instrument).add(instrument.takerFeeRate)));
    }
    return equity;
  }

  private checkLiquidations(currency: string): void {
    for (const [id, position] of this.positions) {
      if (position.view.quantity.isZero()) continue;
      const instrument = this.venue.getInstrument(id);
      if (!instrument || !isDerivative(instrument) || instrument.settleCurrency !== currency) continue;
      const mark = this.venue.markPrice(id);
      const liqPx = this.liquidationPrice(id);
      if (mark === null || liqPx === null || !isLiquidatable(position.view.quantity, mark, liqPx)) continue;
      this.liquidate(instrument, position, liqPx);
    }
  }

  /** Closes the whole position at the liquidation price; the loss and the liquidation fee are booked. */
  private liquidate(instrument: Instrument, position: AccountPosition, liqPx: Decimal): void {
    this.venue.matching.cancelInstrument(instrument.id, this.id, 'liquidation');
    const quantity = position.view.quantity.abs();
    const side = position.view.quantity.isPos() ? 'SELL' : 'BUY';
    const fee = liqPx.mul(quantity).mul(instrument.contractValue).mul(instrument.takerFeeRate);
    const now = this.venue.clock.now();
    this.bookFill(instrument, side, liqPx, quantity, fee);
    this.fillSeq += 1;
    const clientOrderId = `liq${String(this.fillSeq)}`;
    this.emit({
      type: 'fill',
      fill: {
        fillId: `${this.fillIdPrefix}-liq${String(this.fillSeq)}`,
        clientOrderId,
        exchangeOrderId: null,
        instrumentId: instrument.id,
        side,
        price: liqPx,
        quantity,
        fee,
        feeCurrency: instrument.settleCurrency,
        role: 'taker',
        timestamp: now,
      },
    });
    this.emitPosition(instrument.id);
    this.emitBalance(instrument.settleCurrency);
  }

  private finish(clientOrderId: string): void {
    if (!this.live.delete(clientOrderId)) return;
    this.finished.push(clientOrderId);
    // Enough for late cancels and lookups by client id; 1 000 accounts must not each keep thousands.
    if (this.finished.length > 32) {
      for (const old of this.finished.splice(0, 16)) this.orders.delete(old);
    }
  }

  private openCrossPositions(): number {
    let count = 0;
    for (const position of this.positions.values())
      if (position.marginMode === 'cross' && !position.view.quantity.isZero()) count += 1;
    return count;
  }

  private addCash(currency: string, amount: Decimal): void {
    // Cash backs cross positions and isolated margin moves through it: every liquidation price may change.
    this.liqCache.clear();
    this.cash.set(currency, this.cashBalance(currency).add(amount));
  }

  private balanceState(currency: string): BalanceState {
    const total = this.cashBalance(currency);
    const available = this.availableCash(currency);
    return { currency, total, available, frozen: total.sub(available) };
  }

  private positionState(instrumentId: InstrumentId): PositionState {
    const position = this.positions.get(instrumentId);
    const view = position ? this.marked(position) : flatPosition(instrumentId);
    return {
      instrumentId,
      quantity: view.quantity,
      averageEntryPrice: view.averageEntryPrice,
      markPrice: view.markPrice,
      leverage: position && position.marginMode !== 'cash' ? position.leverage : null,
      marginMode: position?.marginMode ?? 'cash',
      liquidationPrice: this.liquidationPrice(instrumentId),
      unrealizedPnl: view.unrealizedPnl,
      margin: position && position.marginMode === 'isolated' ? position.margin : null,
    };
  }

  private emitPosition(instrumentId: InstrumentId): void {
    if (this.handlers.size > 0) this.emit({ type: 'position', position: this.positionState(instrumentId) });
  }

  private emitBalance(currency: string): void {
    if (this.handlers.size > 0) this.emit({ type: 'balance', balance: this.balanceState(currency) });
  }

  private emit(event: ExecutionEvent): void {
    for (const handler of this.handlers) handler(event);
  }
}
