/**
 * One bot's books: positions with average entry, realized and unrealized PnL, fees and funding, volume, trade count,
 * equity, peak equity (drawdown) and the day's PnL (daily loss), all exact decimals in the bot's settle currency.
 *
 *   totalPnl = realized + unrealized − fees + funding
 *   equity   = startingEquity + totalPnl
 *   dailyPnl = totalPnl − totalPnl at the start of the UTC day (or of the run, if later)
 *   drawdown = (peak equity − equity) / peak equity × 100
 */
import { Decimal } from 'decimal.js';
import { ZERO, compareDecimals, isPositive } from '../core/decimal.js';
import type { LedgerCheckpoint, OrderSide } from '@trading/shared-types';
import type { Instrument, InstrumentId } from '../ports/instruments.js';
import { applyFill, flatPosition, markPosition, type PositionView } from '../domain/position.js';
import { holdingFromCheckpoint, holdingToCheckpoint } from '../domain/position-checkpoint.js';

const DAY_MS = 86_400_000;
const HUNDRED = new Decimal(100);

export interface LedgerFigures {
  currency: string;
  realizedPnl: Decimal;
  unrealizedPnl: Decimal;
  fees: Decimal;
  funding: Decimal;
  totalPnl: Decimal;
  equity: Decimal;
  peakEquity: Decimal;
  drawdownPct: Decimal;
  dailyPnl: Decimal;
  /** Σ |quantity| × contractValue × mark over open positions. */
  exposure: Decimal;
  volume: Decimal;
  tradeCount: number;
}

interface Holding {
  view: PositionView;
  instrument: Instrument;
  /** holdingExposure(view, instrument), kept with the view: a re-mark then computes only the new one. */
  exposure: Decimal;
}

/** totalPnl and equity as of the last change of the books (both computed by touchPeak anyway). */
interface Totals {
  total: Decimal;
  equity: Decimal;
}

export class BotLedger {
  private readonly holdings = new Map<InstrumentId, Holding>();
  private realizedClosed = ZERO;
  private fees = ZERO;
  private funding = ZERO;
  private volume = ZERO;
  private tradeCount = 0;
  private peakEquity: Decimal;
  /** Σ unrealized over holdings, kept incrementally (marks arrive far more often than anything else). */
  private unrealizedTotal = ZERO;
  private exposureTotal = ZERO;
  private day = -1;
  private dayStartTotal = ZERO;
  /** null after a change of realized, unrealized, fees or funding, until touchPeak computed them again. */
  private totals: Totals | null = null;
  /** The last drawdown figure and the peak and equity (by identity) it was computed from. */
  private drawdown = { peak: ZERO, equity: ZERO, pct: ZERO };
  /**
   * Per instrument, the time of the latest funding settlement booked — or of the fill that opened the holding: a
   * settlement at or before it is not this bot's (a live account's bill read again after a restart, or one that
   * settled before the bot held the position).
   */
  private readonly fundingBookedUntil = new Map<InstrumentId, number>();

  constructor(
    readonly currency: string,
    readonly startingEquity: Decimal,
    now: number,
  ) {
    this.peakEquity = startingEquity;
    this.rollDay(now);
  }

  position(instrumentId: InstrumentId): PositionView {
    return this.holdings.get(instrumentId)?.view ?? flatPosition(instrumentId);
  }

  positions(): PositionView[] {
    return [...this.holdings.values()].map((holding) => holding.view);
  }

  instrumentIds(): InstrumentId[] {
    return [...this.holdings.keys()];
  }

  hasPosition(instrumentId: InstrumentId): boolean {
    return this.holdings.has(instrumentId);
  }

  /** Books one fill; returns the PnL it realized (before fees). */
  applyFill(
    instrument: Instrument,
    side: OrderSide,
    price: Decimal,
    quantity: Decimal,
    fee: Decimal,
    now: number,
  ): Decimal {
    this.rollDay(now);
    if (!this.holdings.has(instrument.id) && !this.fundingBookedUntil.has(instrument.id)) this.fundingBookedUntil.set(instrument.id, now);
    const holding = this.holding(instrument);
    const { position, realized } = applyFill(
      holding.view,
      side,
      price,
      quantity,
      fee,
      instrument.contractValue,
    );
    this.replace(holding, position);
    this.realizedClosed = this.realizedClosed.add(realized);
    this.fees = this.fees.add(fee);
    this.volume = this.volume.add(price.mul(quantity).mul(instrument.contractValue));
    this.tradeCount += 1;
    this.touchPeak();
    return realized;
  }

  /**
   * Books a funding settlement of `settledAt` on a holding; returns false, booking nothing, when the bot holds
   * nothing there or the settlement is not after the last one booked (or the holding's first fill).
   */
  applyFunding(instrument: Instrument, amount: Decimal, settledAt: number): boolean {
    const holding = this.holdings.get(instrument.id);
    if (!holding) return false;
    const bookedUntil = this.fundingBookedUntil.get(instrument.id);
    if (bookedUntil !== undefined && settledAt <= bookedUntil) return false;
    this.fundingBookedUntil.set(instrument.id, settledAt);
    this.rollDay(settledAt);
    this.replace(holding, { ...holding.view, funding: holding.view.funding.add(amount) });
    this.funding = this.funding.add(amount);
    this.touchPeak();
    return true;
  }

  /** Re-marks a position; returns false when the bot holds nothing there (nothing changed). */
  mark(instrumentId: InstrumentId, price: Decimal, now: number): boolean {
    const holding = this.holdings.get(instrumentId);
    if (!holding) return false;
    this.rollDay(now);
    const current = holding.view.markPrice;
    if (current !== null && compareDecimals(current, price) === 0) return false;
    this.replace(holding, markPosition(holding.view, price, holding.instrument.contractValue));
    this.touchPeak();
    return true;
  }

  /** Market resolution (Polymarket): the holding is closed at the settlement price (1 or 0). */
  settle(instrumentId: InstrumentId, price: Decimal, now: number): Decimal | null {
    const holding = this.holdings.get(instrumentId);
    if (!holding || holding.view.quantity.isZero()) return null;
    this.rollDay(now);
    const view = holding.view;
    const realized = price
      .sub(view.averageEntryPrice)
      .mul(view.quantity)
      .mul(holding.instrument.contractValue);
    this.replace(holding, {
      ...view,
      quantity: ZERO,
      averageEntryPrice: ZERO,
      realizedPnl: view.realizedPnl.add(realized),
      unrealizedPnl: ZERO,
      markPrice: price,
    });
    this.realizedClosed = this.realizedClosed.add(realized);
    this.touchPeak();
    return realized;
  }

  figures(now: number): LedgerFigures {
    this.rollDay(now);
    const unrealized = this.unrealized();
    const { total, equity } = this.currentTotals();
    // The larger one itself, not Decimal.max's copy: the drawdown below is reused while peak and equity are the same.
    const peak =
      this.peakEquity.isFinite() && equity.isFinite()
        ? compareDecimals(this.peakEquity, equity) >= 0
          ? this.peakEquity
          : equity
        : Decimal.max(this.peakEquity, equity);
    return {
      currency: this.currency,
      realizedPnl: this.realizedClosed,
      unrealizedPnl: unrealized,
      fees: this.fees,
      funding: this.funding,
      totalPnl: total,
      equity,
      peakEquity: peak,
      drawdownPct: this.drawdownPct(peak, equity),
      dailyPnl: total.sub(this.dayStartTotal),
      exposure: this.exposure(),
      volume: this.volume,
      tradeCount: this.tradeCount,
    };
  }

  exposure(): Decimal {
    return this.exposureTotal;
  }

  /** The books as exact decimal strings (the Redis checkpoint an adopting engine restores). */
  toCheckpoint(): LedgerCheckpoint {
    return {
      currency: this.currency,
      startingEquity: this.startingEquity.toFixed(),
      realizedPnl: this.realizedClosed.toFixed(),
      fees: this.fees.toFixed(),
      funding: this.funding.toFixed(),
      volume: this.volume.toFixed(),
      tradeCount: this.tradeCount,
      peakEquity: this.peakEquity.toFixed(),
      day: this.day,
      dayStartTotal: this.dayStartTotal.toFixed(),
      holdings: [...this.holdings.values()].map((holding) => holdingToCheckpoint(holding.view)),
      fundingBookedUntil: Object.fromEntries(this.fundingBookedUntil),
    };
  }

  /**
   * Replaces the books with a checkpoint's (an adopted bot continues its dead owner's books). `instrument` resolves
   * each holding's instrument (contract value for marks and exposure); a holding whose instrument is unknown here
   * is an error, not something to drop silently.
   */
  restore(checkpoint: LedgerCheckpoint, instrument: (id: InstrumentId) => Instrument | undefined, now = Date.now()): void {
    if (checkpoint.currency !== this.currency)
      throw new Error(`checkpoint currency ${checkpoint.currency} is not the bot's ${this.currency}`);
    const holdings = new Map<InstrumentId, Holding>();
    for (const saved of checkpoint.holdings) {
      const view = holdingFromCheckpoint(saved);
      const known = instrument(view.instrumentId);
      if (!known) throw new Error(`checkpoint holds ${view.instrumentId}, an instrument this engine does not know`);
      holdings.set(view.instrumentId, { view, instrument: known, exposure: this.holdingExposure(view, known) });
    }
    this.holdings.clear();
    this.totals = null;
    this.unrealizedTotal = ZERO;
    this.exposureTotal = ZERO;
    for (const [id, holding] of holdings) {
      this.holdings.set(id, holding);
      this.unrealizedTotal = this.unrealizedTotal.add(holding.view.unrealizedPnl);
      this.exposureTotal = this.exposureTotal.add(holding.exposure);
    }
    this.realizedClosed = new Decimal(checkpoint.realizedPnl);
    this.fees = new Decimal(checkpoint.fees);
    this.funding = new Decimal(checkpoint.funding);
    this.volume = new Decimal(checkpoint.volume);
    this.tradeCount = checkpoint.tradeCount;
    this.peakEquity = new Decimal(checkpoint.peakEquity);
    this.day = checkpoint.day;
    this.dayStartTotal = new Decimal(checkpoint.dayStartTotal);
    this.fundingBookedUntil.clear();
    for (const [id, at] of Object.entries(checkpoint.fundingBookedUntil ?? {})) {
      if (at !== undefined) this.fundingBookedUntil.set(id as InstrumentId, at);
    }
    // A checkpoint written before the cursor existed: its books may already hold any recent settlement, and a live
    // account's bills go back 7 days. Book only settlements after the restore: missing one beats booking days twice.
    if (checkpoint.fundingBookedUntil === undefined) for (const id of this.holdings.keys()) this.fundingBookedUntil.set(id, now);
  }

  private unrealized(): Decimal {
    return this.unrealizedTotal;
  }

  /** Swaps a holding's view, moving the running unrealized and exposure totals by the difference. */
  private replace(holding: Holding, view: PositionView): void {
    this.totals = null;
    this.unrealizedTotal = this.unrealizedTotal.sub(holding.view.unrealizedPnl).add(view.unrealizedPnl);
    const exposure = this.holdingExposure(view, holding.instrument);
    this.exposureTotal = this.exposureTotal.sub(holding.exposure).add(exposure);
    holding.view = view;
    holding.exposure = exposure;
  }

  private holdingExposure(view: PositionView, instrument: Instrument): Decimal {
    if (view.quantity.isZero()) return ZERO;
    return view.quantity
      .abs()
      .mul(instrument.contractValue)
      .mul(view.markPrice ?? view.averageEntryPrice);
  }

  private holding(instrument: Instrument): Holding {
    let holding = this.holdings.get(instrument.id);
    if (!holding) {
      holding = { view: flatPosition(instrument.id), instrument, exposure: ZERO };
      this.holdings.set(instrument.id, holding);
    }
    return holding;
  }

  private touchPeak(): void {
    this.totals = null;
    const { equity } = this.currentTotals();
    if (compareDecimals(equity, this.peakEquity) > 0) this.peakEquity = equity;
  }

  /** totalPnl and equity, computed once per change of the books (figures() runs far more often than they change). */
  private currentTotals(): Totals {
    if (this.totals !== null) return this.totals;
    const total = this.realizedClosed.add(this.unrealized()).sub(this.fees).add(this.funding);
    this.totals = { total, equity: this.startingEquity.add(total) };
    return this.totals;
  }

  /** (peak − equity) / peak × 100, computed again only when peak or equity is another value. */
  private drawdownPct(peak: Decimal, equity: Decimal): Decimal {
    const last = this.drawdown;
    if (last.peak === peak && last.equity === equity) return last.pct;
    const pct = isPositive(peak) ? peak.sub(equity).div(peak).mul(HUNDRED) : ZERO;
    this.drawdown = { peak, equity, pct };
    return pct;
  }

  private rollDay(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day === this.day) return;
    this.day = day;
    this.dayStartTotal = this.realizedClosed.add(this.unrealized()).sub(this.fees).add(this.funding);
  }
}
