/**
 * Background liquidity: a simulated market maker that keeps resting BUY YES and BUY NO ladders (the usual
 * two-sided Polymarket quote) around each market's fair value. BTC markets take the OKX mid with a lag and noise
 * through the lognormal model; plain markets quote around a fixed fair value. Quotes are only replaced when the
 * rounded fair value moves, so the book is calm enough to test against.
 */
import { Decimal } from 'decimal.js';
import type { Clob } from './clob.js';
import { probabilityAbove, seededRandom } from './markets.js';
import type { SimMarket } from './types.js';

export const MM_ADDRESS = '0x000000000000000000000000000000000000beef' as const;
export const MM_OWNER = 'sim-background-liquidity';

export interface LiquidityOptions {
  seed: number;
  now: () => number;
  referencePrice: (instId: string) => Decimal | undefined;
  /** Reference price lag, ms. */
  lagMs: number;
  /** Std-dev of the probability noise. */
  noise: number;
  levels: number;
  levelSize: Decimal;
  /** Half spread in ticks. */
  halfSpreadTicks: number;
  sigma: number;
}

interface Quoted {
  fair: Decimal;
  orderIds: string[];
}

const ONE = new Decimal(1);

export class BackgroundLiquidity {
  private readonly fairs = new Map<string, Decimal>();
  private readonly quoted = new Map<string, Quoted>();
  private readonly samples: { t: number; price: number }[] = [];
  private readonly random: () => number;
  private seq = 0;

  constructor(
    private readonly clob: Clob,
    private readonly options: LiquidityOptions,
  ) {
    this.random = seededRandom(options.seed ^ 0x5eed);
    clob.ledger.set(MM_ADDRESS, 'collateral', new Decimal('1e12'));
  }

  /** Plain markets: quote around this probability. */
  setFair(conditionId: string, fair: Decimal): void {
    this.fairs.set(conditionId, fair);
  }

  stop(conditionId: string): void {
    const q = this.quoted.get(conditionId);
    if (q !== undefined) for (const id of q.orderIds) this.clob.cancel(id);
    this.quoted.delete(conditionId);
    this.fairs.delete(conditionId);
  }

  private gaussian(): number {
    const u = Math.max(this.random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }

  private laggedReference(): number | undefined {
    const now = this.options.now();
    const ref = this.options.referencePrice('BTC-USDT-SWAP');
    if (ref !== undefined) this.samples.push({ t: now, price: ref.toNumber() });
    while (this.samples.length > 1 && (this.samples[1]?.t ?? now) <= now - this.options.lagMs) this.samples.shift();
    return this.samples[0]?.price;
  }

  private fairOf(market: SimMarket, reference: number | undefined): Decimal | undefined {
    if (market.strike !== null && market.endTime !== null) {
      if (reference === undefined) return this.fairs.get(market.conditionId);
      const p = probabilityAbove(reference, market.strike.toNumber(), market.endTime - this.options.now(), this.options.sigma);
      return new Decimal(Math.min(Math.max(p + this.gaussian() * this.options.noise, 0), 1).toFixed(6));
    }
    return this.fairs.get(market.conditionId);
  }

  /** One refresh of every market's quotes. */
  refresh(): void {
    const reference = this.laggedReference();
    for (const market of this.clob.listMarkets()) {
      if (market.closed) continue;
      const isBtc = market.strike !== null;
      if (!isBtc && !this.fairs.has(market.conditionId)) continue;
      const raw = this.fairOf(market, reference);
      if (raw === undefined) continue;
      const tick = new Decimal(market.tickSize);
      const fair = raw.div(tick).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(tick);
      const current = this.quoted.get(market.conditionId);
      if (current !== undefined && current.fair.eq(fair)) continue;
      if (current !== undefined) for (const id of current.orderIds) this.clob.cancel(id);
      this.quoted.set(market.conditionId, { fair, orderIds: this.quote(market, fair, tick) });
    }
  }

  private quote(market: SimMarket, fair: Decimal, tick: Decimal): string[] {
    const ids: string[] = [];
    const lo = tick;
    const hi = ONE.minus(tick);
    for (let i = 0; i < this.options.levels; i++) {
      const bid = fair.minus(tick.times(this.options.halfSpreadTicks + i));
      const ask = fair.plus(tick.times(this.options.halfSpreadTicks + i));
      const size = this.options.levelSize.times(i + 1);
      if (bid.gte(lo) && bid.lte(hi)) ids.push(this.post(market, 'yes', bid, size));
      // A YES ask at `ask` is a BUY NO at 1 − ask.
      if (ask.gte(lo) && ask.lte(hi)) ids.push(this.post(market, 'no', ONE.minus(ask), size));
    }
    return ids.filter((id) => id !== '');
  }

  private post(market: SimMarket, outcome: 'yes' | 'no', price: Decimal, size: Decimal): string {
    this.seq++;
    const id = `0xbb${this.seq.toString(16).padStart(62, '0')}`;
    const r = this.clob.place({
      id,
      owner: MM_OWNER,
      maker: MM_ADDRESS,
      market,
      token: outcome === 'yes' ? market.yes : market.no,
      side: 'BUY',
      price,
      size,
      orderType: 'GTC',
      expiration: 0,
      postOnly: true,
      background: true,
    });
    return r.ok ? id : '';
  }
}
