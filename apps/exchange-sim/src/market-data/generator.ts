/**
 * Deterministic seeded market: per instrument a random-walk mid (in whole ticks, so prices stay exact) with a
 * ladder of resting background maker orders in the REAL book around it, random resizes (book churn), background
 * taker trades that can fill user orders, mark price and funding-rate drift. Same seed → same sequence.
 */
import { Decimal } from 'decimal.js';
import type { BookSide } from '../matching/index.js';
import { BACKGROUND_OWNER, type InstrumentMarket, type OkxExchange } from '../okx/exchange.js';
import { Rng } from './rng.js';

export interface GeneratorOptions {
  /** Levels per side kept around the mid. */
  depth?: number;
  /** Largest mid move per step, in ticks. */
  maxStepTicks?: number;
  /** Probability of a background taker trade per step. */
  takerProbability?: number;
  /** Levels resized per step. */
  churn?: number;
  /**
   * Draw each background order's size from a hash of (seed, step, side, price) instead of the sequential stream.
   * With the sequential stream, a user fill that consumes a background order changes how many sizes the next
   * requote draws, which shifts every later random choice: the whole price path then depends on the user's orders.
   * Stable sizes keep the path (mid walk, takers, churn) identical whatever the user does, which is what a
   * live-vs-paper comparison on one seed needs. Default false (the historical sequence).
   */
  stableSizes?: boolean;
}

interface InstrumentState {
  market: InstrumentMarket;
  /** Mid in ticks. */
  midTicks: number;
  /** Background order id per price (in ticks), one map per side. */
  bids: Map<number, string>;
  asks: Map<number, string>;
  unit: Decimal;
}

export class MarketGenerator {
  private readonly rng: Rng;
  private readonly states: InstrumentState[] = [];
  private readonly depth: number;
  private readonly maxStepTicks: number;
  private readonly takerProbability: number;
  private readonly churn: number;
  private readonly stableSizes: boolean;
  private readonly seed: number;
  private steps = 0;

  constructor(
    private readonly exchange: OkxExchange,
    seed: number,
    options: GeneratorOptions = {},
    instIds?: readonly string[],
  ) {
    this.rng = new Rng(seed);
    this.depth = options.depth ?? 50;
    this.maxStepTicks = options.maxStepTicks ?? 3;
    this.takerProbability = options.takerProbability ?? 0.3;
    this.churn = options.churn ?? 3;
    this.stableSizes = options.stableSizes ?? false;
    this.seed = seed;
    for (const market of exchange.markets.values()) {
      if (instIds && !instIds.includes(market.def.instId)) continue;
      const unit = market.def.minSz.times(market.def.instType === 'FUTURES' ? 1 : 100);
      this.states.push({ market, midTicks: market.def.initialMid.div(market.def.tickSz).round().toNumber(), bids: new Map(), asks: new Map(), unit });
    }
  }

  /** Puts the initial ladders in the book. */
  seedBooks(): void {
    for (const state of this.states) this.requote(state);
  }

  step(now: number): void {
    this.steps++;
    for (const state of this.states) {
      state.midTicks = Math.max(this.depth + 10, state.midTicks + this.rng.int(-this.maxStepTicks, this.maxStepTicks));
      this.requote(state);
      for (let i = 0; i < this.churn; i++) this.resizeOne(state);
      if (this.rng.chance(this.takerProbability)) {
        const side: BookSide = this.rng.chance(0.5) ? 'buy' : 'sell';
        this.exchange.placeBackground(state.market.def.instId, side, undefined, state.unit.times(this.rng.int(1, 8)), 'IOC');
      }
      const market = state.market;
      const mid = market.def.tickSz.times(state.midTicks);
      market.mark = mid;
      if (this.steps % 10 === 0 && market.def.instType === 'SWAP') {
        const bp = new Decimal(this.rng.int(-20, 30)).div(100_000);
        market.nextFundingRate = bp;
      }
    }
    this.exchange.settleFunding(now);
  }

  private alive(instId: string, id: string): boolean {
    return this.exchange.market(instId)?.book.get(id)?.owner === BACKGROUND_OWNER;
  }

  /** Keeps exactly the ladder [mid-depth, mid-1] bids and [mid+1, mid+depth] asks as background orders. */
  private requote(state: InstrumentState): void {
    const instId = state.market.def.instId;
    const mid = state.midTicks;
    for (const [ticks, id] of state.bids) {
      if (ticks >= mid || ticks < mid - this.depth || !this.alive(instId, id)) {
        this.exchange.cancelBackground(instId, id);
        state.bids.delete(ticks);
      }
    }
    for (const [ticks, id] of state.asks) {
      if (ticks <= mid || ticks > mid + this.depth || !this.alive(instId, id)) {
        this.exchange.cancelBackground(instId, id);
        state.asks.delete(ticks);
      }
    }
    // Nearest first, so a background order that crosses a user order trades at the best level.
    for (let i = 1; i <= this.depth; i++) {
      if (!state.bids.has(mid - i)) this.place(state, 'buy', mid - i, 0);
      if (!state.asks.has(mid + i)) this.place(state, 'sell', mid + i, 0);
    }
  }

  private place(state: InstrumentState, side: BookSide, ticks: number, salt: number): void {
    const price = state.market.def.tickSz.times(ticks);
    const units = this.stableSizes ? this.stableUnits(side, ticks, salt) : this.rng.int(1, 20);
    const id = this.exchange.placeBackground(state.market.def.instId, side, price, state.unit.times(units), 'GTC');
    (side === 'buy' ? state.bids : state.asks).set(ticks, id);
  }

  private resizeOne(state: InstrumentState): void {
    const side: BookSide = this.rng.chance(0.5) ? 'buy' : 'sell';
    const offset = 1 + Math.floor(this.rng.next() * this.rng.next() * this.depth);
    const ticks = side === 'buy' ? state.midTicks - offset : state.midTicks + offset;
    const orders = side === 'buy' ? state.bids : state.asks;
    const id = orders.get(ticks);
    if (id !== undefined) this.exchange.cancelBackground(state.market.def.instId, id);
    this.place(state, side, ticks, 1);
  }

  /** 1..20 units from a hash of (seed, step, side, price, salt): independent of how many draws came before. */
  private stableUnits(side: BookSide, ticks: number, salt: number): number {
    const key =
      Math.imul(this.seed ^ 0x85ebca6b, 0x27d4eb2d) ^
      Math.imul(this.steps, 0x165667b1) ^
      Math.imul(ticks, 0x9e3779b1) ^
      Math.imul(salt + (side === 'buy' ? 1 : 3), 0xc2b2ae35);
    return 1 + Math.floor(new Rng(key).next() * 20);
  }
}
