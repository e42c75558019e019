/**
 * A bot's orders as the engine knows them: created when an intent passes risk, advanced by execution events
 * (a status never goes backwards), fills de-duplicated by fill id. Open orders are indexed for the strategy context.
 */
import { Decimal } from 'decimal.js';
import { canAdvanceOrderStatus, isTerminalOrderStatus, type OrderSource } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { FillReport, OrderState } from '../ports/execution.js';

export interface TrackedOrder {
  state: OrderState;
  source: OrderSource;
  reduceOnly: boolean;
  /**
   * What the fill reports booked so far. A venue may report the same execution twice — as the order's state
   * (accumulated filled size, e.g. an OKX order push) and as a fill — so the filled quantity is the larger of the
   * two sources, never their sum.
   */
  fills: { quantity: Decimal; value: Decimal; fee: Decimal };
}

/**
 * How many finished orders (and 4–5× as many fill ids) a bot remembers: late duplicates arrive close to the
 * original, and 1 000 bots must not each keep hundreds of orders (memory stays flat; the CMS keeps the history).
 */
const HISTORY = 16;

export class OrderTracker {
  private readonly orders = new Map<string, TrackedOrder>();
  private readonly open = new Map<string, TrackedOrder>();
  private readonly fills = new Set<string>();
  private readonly finished: string[] = [];

  add(state: OrderState, source: OrderSource, reduceOnly: boolean): TrackedOrder {
    const zero = new Decimal(0);
    const tracked: TrackedOrder = { state, source, reduceOnly, fills: { quantity: zero, value: zero, fee: zero } };
    this.orders.set(state.clientOrderId, tracked);
    if (!isTerminalOrderStatus(state.status)) this.open.set(state.clientOrderId, tracked);
    return tracked;
  }

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  /** Applies a venue update; returns the tracked order when it changed (status advanced or fields moved). */
  update(next: OrderState): TrackedOrder | undefined {
    const tracked = this.orders.get(next.clientOrderId);
    if (!tracked) return undefined;
    const current = tracked.state;
    if (!canAdvanceOrderStatus(current.status, next.status)) return undefined;
    // A repeat of what we already know (an ack after the stream reported the same state) is not a change.
    if (
      current.status === next.status &&
      current.filledQuantity.eq(next.filledQuantity) &&
      current.quantity.eq(next.quantity) &&
      (current.price === null ? next.price === null : next.price !== null && current.price.eq(next.price)) &&
      (current.exchangeOrderId === next.exchangeOrderId || next.exchangeOrderId === null)
    ) {
      return undefined;
    }
    // Fills are the source of truth for filled quantity; never move it backwards.
    const filled = Decimal.max(current.filledQuantity, next.filledQuantity);
    tracked.state = {
      ...next,
      filledQuantity: filled,
      averageFillPrice: filled.eq(current.filledQuantity) ? current.averageFillPrice : next.averageFillPrice,
      fee: filled.eq(current.filledQuantity) ? current.fee : next.fee,
      createdAt: current.createdAt,
    };
    this.refreshOpen(tracked);
    return tracked;
  }

  /** Books a fill into its order; returns null for a duplicate fill id. */
  applyFill(fill: FillReport): TrackedOrder | null | undefined {
    if (this.fills.has(fill.fillId)) return null;
    this.fills.add(fill.fillId);
    if (this.fills.size > HISTORY * 5) {
      // Sets iterate in insertion order: drop the oldest ids.
      for (const id of this.fills) {
        this.fills.delete(id);
        if (this.fills.size <= HISTORY * 4) break;
      }
    }
    const tracked = this.orders.get(fill.clientOrderId);
    if (!tracked) return undefined;
    const state = tracked.state;
    const fills = {
      quantity: tracked.fills.quantity.add(fill.quantity),
      value: tracked.fills.value.add(fill.price.mul(fill.quantity)),
      fee: tracked.fills.fee.add(fill.fee),
    };
    tracked.fills = fills;
    // The order state may already carry this execution (state before fill): take the larger source, not the sum.
    const byFills = fills.quantity.gte(state.filledQuantity);
    const filled = byFills ? fills.quantity : state.filledQuantity;
    const status = filled.gte(state.quantity) ? 'FILLED' : 'PARTIALLY_FILLED';
    tracked.state = {
      ...state,
      filledQuantity: filled,
      averageFillPrice: byFills ? fills.value.div(fills.quantity) : state.averageFillPrice,
      fee: byFills ? fills.fee : state.fee,
      status: canAdvanceOrderStatus(state.status, status) ? status : state.status,
      updatedAt: fill.timestamp,
    };
    this.refreshOpen(tracked);
    return tracked;
  }

  openOrders(instrumentId?: InstrumentId): OrderState[] {
    const result: OrderState[] = [];
    for (const tracked of this.open.values()) {
      if (instrumentId === undefined || tracked.state.instrumentId === instrumentId)
        result.push(tracked.state);
    }
    return result;
  }

  openCount(): number {
    return this.open.size;
  }

  /** Signed remaining quantity of open non-reduce-only orders on one side of an instrument. */
  openSignedQuantity(instrumentId: InstrumentId, side: 'BUY' | 'SELL'): Decimal {
    let total = new Decimal(0);
    for (const tracked of this.open.values()) {
      const state = tracked.state;
      if (state.instrumentId !== instrumentId || state.side !== side || tracked.reduceOnly) continue;
      const remaining = state.quantity.sub(state.filledQuantity);
      total = side === 'BUY' ? total.add(remaining) : total.sub(remaining);
    }
    return total;
  }

  private refreshOpen(tracked: TrackedOrder): void {
    const id = tracked.state.clientOrderId;
    if (!isTerminalOrderStatus(tracked.state.status)) {
      this.open.set(id, tracked);
      return;
    }
    if (!this.open.delete(id)) return;
    this.finished.push(id);
    if (this.finished.length > HISTORY * 2) {
      for (const old of this.finished.splice(0, this.finished.length - HISTORY)) this.orders.delete(old);
    }
  }
}
