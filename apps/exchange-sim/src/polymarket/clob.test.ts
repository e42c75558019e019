import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { Clob, takerFee, type PlaceInput, type PlaceResult } from './clob.js';
import { createMarket } from './markets.js';
import type { ClobEvent, SimMarket } from './types.js';

const d = (v: string | number) => new Decimal(v);
const errorOf = (r: PlaceResult) => (r.ok ? 'ok' : r.error);
const A = '0x00000000000000000000000000000000000000a1' as const;
const B = '0x00000000000000000000000000000000000000b2' as const;
const C = '0x00000000000000000000000000000000000000c3' as const;

function setup(feeRate = '0.072') {
  const clob = new Clob({ now: () => Date.now(), initialCollateral: d(1000), makerRebateShare: d('0.2'), mineDelayMs: 1, confirmDelayMs: 1 });
  const market = createMarket(1, 0, { question: 'test', feeRate, minOrderSize: '5' });
  clob.addMarket(market);
  const events: ClobEvent[] = [];
  clob.onEvent((e) => events.push(e));
  let n = 0;
  const place = (maker: `0x${string}`, outcome: 'yes' | 'no', side: 'BUY' | 'SELL', price: string, size: string, extra: Partial<PlaceInput> = {}) =>
    clob.place({
      id: `0x${(++n).toString(16).padStart(64, '0')}`,
      owner: maker,
      maker,
      market,
      token: outcome === 'yes' ? market.yes : market.no,
      side,
      price: d(price),
      size: d(size),
      orderType: 'GTC',
      expiration: 0,
      postOnly: false,
      ...extra,
    });
  return { clob, market, place, events };
}

/** Total collateral + the value of complete YES/NO pairs is conserved by every trade (mint/merge/transfer). */
function systemValue(clob: Clob, market: SimMarket, addrs: string[]): { collateral: Decimal; yes: Decimal; no: Decimal } {
  let collateral = d(0);
  let yes = d(0);
  let no = d(0);
  for (const a of addrs) {
    collateral = collateral.plus(clob.ledger.collateral(a));
    yes = yes.plus(clob.ledger.tokens(a, market.yes.tokenId));
    no = no.plus(clob.ledger.tokens(a, market.no.tokenId));
  }
  return { collateral, yes, no };
}

describe('taker fee formula C·rate·p·(1−p)', () => {
  it('is symmetric in p and rounds half-up to 6 dp', () => {
    expect(takerFee(d(100), d('0.072'), d('0.4')).toString()).toBe('1.728');
    expect(takerFee(d(100), d('0.072'), d('0.6')).toString()).toBe('1.728');
    expect(takerFee(d(7), d('0.03'), d('0.333')).toString()).toBe('0.046643');
    expect(takerFee(d(10), d(0), d('0.5')).isZero()).toBe(true);
  });
});

describe('complement matching', () => {
  it('BUY YES at p crosses BUY NO at ≥ 1−p: mints a pair at the maker price', () => {
    const { clob, market, place } = setup();
    const before = systemValue(clob, market, [A, B]);
    expect(place(A, 'no', 'BUY', '0.45', '10').ok).toBe(true); // rests as a YES ask at 0.55
    const r = place(B, 'yes', 'BUY', '0.6', '10');
    expect(r.ok && r.status).toBe('matched');
    // B pays the maker's complement price 0.55 plus the taker fee; A pays 0.45.
    const fee = takerFee(d(10), d('0.072'), d('0.55'));
    expect(clob.ledger.collateral(B).toString()).toBe(d(1000).minus(d('5.5')).minus(fee).toString());
    expect(clob.ledger.collateral(A).toString()).toBe('995.5');
    expect(clob.ledger.tokens(B, market.yes.tokenId).toString()).toBe('10');
    expect(clob.ledger.tokens(A, market.no.tokenId).toString()).toBe('10');
    const after = systemValue(clob, market, [A, B]);
    // 10 pairs minted for 10 collateral; only the fee leaves the traders.
    expect(after.collateral.plus(after.yes).plus(fee).toString()).toBe(before.collateral.toString());
    expect(after.yes.toString()).toBe(after.no.toString());
  });

  it('SELL YES crosses SELL NO: merges pairs back into collateral', () => {
    const { clob, market, place } = setup('0');
    clob.ledger.set(A, market.no.tokenId, d(20));
    clob.ledger.set(B, market.yes.tokenId, d(20));
    expect(place(A, 'no', 'SELL', '0.35', '20').ok).toBe(true); // rests as a YES bid at 0.65
    const r = place(B, 'yes', 'SELL', '0.6', '20');
    expect(r.ok && r.trades.map((t) => [t.price.toString(), t.size.toString()])).toEqual([['0.65', '20']]);
    expect(clob.ledger.collateral(B).toString()).toBe('1013');
    expect(clob.ledger.collateral(A).toString()).toBe('1007');
    expect(clob.ledger.tokens(A, market.no.tokenId).isZero() && clob.ledger.tokens(B, market.yes.tokenId).isZero()).toBe(true);
  });

  it('mirrors every level into the other token and keeps quantity and value conserved under random flow', () => {
    const { clob, market, place } = setup();
    const traders = [A, B, C];
    for (const t of traders) {
      clob.ledger.set(t, market.yes.tokenId, d(500));
      clob.ledger.set(t, market.no.tokenId, d(500));
    }
    const start = systemValue(clob, market, traders);
    let fees = d(0);
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 400; i++) {
      const who = traders[Math.floor(rnd() * 3)] ?? A;
      const price = (0.3 + Math.floor(rnd() * 40) / 100).toFixed(2);
      const r = place(who, rnd() < 0.5 ? 'yes' : 'no', rnd() < 0.5 ? 'BUY' : 'SELL', price, String(5 + Math.floor(rnd() * 20)));
      if (r.ok) for (const t of r.trades) fees = fees.plus(t.fee);
      const yes = clob.levels(market.yes.tokenId);
      const no = clob.levels(market.no.tokenId);
      expect(yes.bids.map(([p, s]) => [d(1).minus(p).toString(), s.toString()])).toEqual(no.asks.map(([p, s]) => [p.toString(), s.toString()]));
      const bestBid = yes.bids[0]?.[0];
      const bestAsk = yes.asks[0]?.[0];
      if (bestBid !== undefined && bestAsk !== undefined) expect(bestBid.lt(bestAsk)).toBe(true);
    }
    const end = systemValue(clob, market, traders);
    // Pairs minted/merged change YES and NO equally and collateral by the opposite amount; fees leave.
    expect(end.yes.minus(start.yes).toString()).toBe(end.no.minus(start.no).toString());
    expect(end.collateral.plus(end.yes).plus(fees).toString()).toBe(start.collateral.plus(start.yes).toString());
    for (const t of traders) expect(clob.availableCollateral(t).gte(0)).toBe(true);
  });
});

describe('venue rules', () => {
  it('checks tick, min size, balance, post-only, FOK and FAK', () => {
    const { clob, market, place } = setup();
    expect(errorOf(place(A, 'yes', 'BUY', '0.555', '10'))).toContain('TICK');
    expect(errorOf(place(A, 'yes', 'BUY', '0.995', '10'))).toContain('TICK');
    expect(errorOf(place(A, 'yes', 'BUY', '0.5', '4.99'))).toContain('MIN_SIZE');
    expect(errorOf(place(A, 'yes', 'BUY', '0.5', '5000'))).toContain('BALANCE');
    expect(errorOf(place(A, 'yes', 'SELL', '0.5', '5'))).toContain('BALANCE');
    expect(errorOf(place(A, 'yes', 'SELL', '0.6', '10', { orderType: 'FOK', postOnly: true }))).toContain('POST_ONLY_ORDER_TYPE');
    expect(place(B, 'no', 'BUY', '0.5', '10').ok).toBe(true); // YES ask 0.5
    expect(errorOf(place(A, 'yes', 'BUY', '0.5', '10', { postOnly: true }))).toContain('crosses book');
    expect(errorOf(place(A, 'yes', 'BUY', '0.5', '11', { orderType: 'FOK' }))).toContain('FOK');
    expect(errorOf(place(A, 'yes', 'BUY', '0.4', '10', { orderType: 'FAK' }))).toContain('FAK');
    const fak = place(A, 'yes', 'BUY', '0.5', '15', { orderType: 'FAK' });
    expect(fak.ok && [fak.order.status, fak.order.sizeMatched.toString()]).toEqual(['CANCELED', '10']);
    expect(clob.levels(market.yes.tokenId).asks).toEqual([]);
    // Reservations: a resting BUY holds collateral.
    expect(place(C, 'yes', 'BUY', '0.5', '1000').ok).toBe(true);
    expect(clob.availableCollateral(C).toString()).toBe('500');
  });

  it('resolves: cancels open orders, pays 1 per winning share, emits the resolution', () => {
    const { clob, market, place, events } = setup('0');
    expect(place(A, 'no', 'BUY', '0.4', '10').ok).toBe(true);
    expect(place(B, 'yes', 'BUY', '0.6', '10').ok).toBe(true);
    expect(place(A, 'yes', 'BUY', '0.1', '10').ok).toBe(true);
    clob.resolve(market.conditionId, 'Yes');
    expect(clob.ledger.collateral(B).toString()).toBe('1004'); // paid 6, got 10
    expect(clob.ledger.collateral(A).toString()).toBe('996');
    expect(clob.ledger.tokens(A, market.no.tokenId).isZero()).toBe(true);
    expect(clob.openOrders({}).length).toBe(0);
    expect(events.some((e) => e.kind === 'resolved')).toBe(true);
    expect(errorOf(place(A, 'yes', 'BUY', '0.5', '10'))).toContain('MARKET_NOT_READY');
  });

  it('settles MATCHED → MINED → CONFIRMED, and a failed settlement undoes the ledger', async () => {
    const { clob, place } = setup();
    const statuses: string[] = [];
    clob.onEvent((e) => {
      if (e.kind === 'trade') statuses.push(`${e.trade.taker.maker}:${e.trade.status}`);
    });
    place(A, 'no', 'BUY', '0.5', '10');
    place(B, 'yes', 'BUY', '0.5', '10');
    clob.failNextTrade = true;
    place(A, 'no', 'BUY', '0.5', '10');
    const before = clob.ledger.collateral(C);
    const r = place(C, 'yes', 'BUY', '0.5', '10');
    expect(r.ok).toBe(true);
    expect(clob.ledger.collateral(C).lt(before)).toBe(true);
    await new Promise((res) => setTimeout(res, 30));
    expect(statuses.filter((s) => s.startsWith(B))).toEqual([`${B}:MATCHED`, `${B}:MINED`, `${B}:CONFIRMED`]);
    expect(statuses.filter((s) => s.startsWith(C))).toEqual([`${C}:MATCHED`, `${C}:FAILED`]);
    expect(clob.ledger.collateral(C).toString()).toBe(before.toString());
    clob.close();
  });

  it('accrues maker rebates and pays them out of band', () => {
    const { clob, place } = setup('0.072');
    place(A, 'no', 'BUY', '0.5', '100');
    place(B, 'yes', 'BUY', '0.5', '100');
    const fee = takerFee(d(100), d('0.072'), d('0.5')); // 1.8
    const before = clob.ledger.collateral(A);
    expect(clob.payRebates()[A]).toBe(fee.times('0.2').toString());
    expect(clob.ledger.collateral(A).minus(before).toString()).toBe('0.36');
    clob.close();
  });
});
