/**
 * Polymarket instruments: every active order-book market gives two binary instruments (YES and NO tokens),
 * `polymarket:<tokenId>`, with the venue's tick, min size, neg-risk flag and complement token. Shares are
 * traded in steps of 0.01 (the SDK floors sizes to 2 dp).
 */
import { Decimal } from 'decimal.js';
import type { ClobClient } from '@polymarket/clob-client-v2';
import type { Instrument, InstrumentId, InstrumentsPort } from '../../ports/instruments.js';
import type { AdapterLogger } from './logger.js';
import { marketSchema, type PolymarketMarket } from './parse.js';

export const LOT_SIZE = new Decimal('0.01');
const END_CURSOR = 'LTE=';

export function instrumentId(tokenId: string): InstrumentId {
  return `polymarket:${tokenId}`;
}

export function tokenOf(id: InstrumentId): string {
  return id.slice('polymarket:'.length);
}

export function instrumentsFromMarket(m: PolymarketMarket): Instrument[] {
  const [a, b] = m.tokens;
  if (a === undefined || b === undefined) return [];
  const expiry = m.end_date_iso ? Date.parse(m.end_date_iso) : NaN;
  const takerRate = (m.taker_base_fee ?? new Decimal(0)).div(10_000);
  return [a, b].map((t, i) => {
    const other = i === 0 ? b : a;
    const outcome = t.outcome.toUpperCase() === 'NO' ? 'NO' : 'YES';
    return {
      id: instrumentId(t.token_id),
      exchange: 'polymarket',
      symbol: t.token_id,
      kind: 'binary',
      base: `${m.condition_id.slice(0, 10)}:${outcome}`,
      quote: 'USDC',
      settleCurrency: 'USDC',
      tickSize: m.minimum_tick_size,
      lotSize: LOT_SIZE,
      minSize: m.minimum_order_size,
      contractValue: new Decimal(1),
      expiry: Number.isFinite(expiry) ? expiry : null,
      maxLeverage: null,
      makerFeeRate: new Decimal(0),
      // Per-share taker fee is rate·p·(1−p); this is the rate.
      takerFeeRate: takerRate,
      polymarket: {
        marketId: m.condition_id,
        outcome,
        complementTokenId: other.token_id,
        negRisk: m.neg_risk,
        endTime: Number.isFinite(expiry) ? expiry : null,
      },
    } satisfies Instrument;
  });
}

export class PolymarketInstruments implements InstrumentsPort {
  private readonly byId = new Map<InstrumentId, Instrument>();

  constructor(
    private readonly client: ClobClient,
    private readonly log: AdapterLogger,
  ) {}

  async loadInstruments(): Promise<Instrument[]> {
    let cursor = 'MA==';
    const out: Instrument[] = [];
    for (let page = 0; page < 1000 && cursor !== END_CURSOR; page++) {
      const res = await this.client.getMarkets(cursor);
      const data: unknown[] = Array.isArray(res.data) ? (res.data as unknown[]) : [];
      for (const raw of data) {
        const m = marketSchema.safeParse(raw);
        if (!m.success) {
          this.log.warn({ issues: m.error.issues.slice(0, 3) }, 'malformed market dropped');
          continue;
        }
        if (!m.data.enable_order_book || m.data.closed) continue;
        out.push(...instrumentsFromMarket(m.data));
      }
      cursor = typeof res.next_cursor === 'string' && res.next_cursor !== '' ? res.next_cursor : END_CURSOR;
    }
    this.byId.clear();
    for (const i of out) this.byId.set(i.id, i);
    return out;
  }

  getInstrument(id: InstrumentId): Instrument | undefined {
    return this.byId.get(id);
  }

  /** A tick_size_change from the market channel. */
  updateTickSize(id: InstrumentId, tick: Decimal): void {
    const i = this.byId.get(id);
    if (i !== undefined) this.byId.set(id, { ...i, tickSize: tick });
  }

  all(): Instrument[] {
    return [...this.byId.values()];
  }
}
