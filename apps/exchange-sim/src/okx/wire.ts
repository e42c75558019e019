/** Conversion of the simulator's state to OKX's wire objects (all values strings, "" when not applicable). */
import { Decimal } from 'decimal.js';
import type { InstrumentMarket, OkxExchange } from './exchange.js';
import type { OkxAccount, OkxFillRecord, OkxFundingBill, OkxOrder, OkxPosition } from './types.js';

const ZERO = new Decimal(0);

export function orderToOkx(order: OkxOrder): Record<string, string> {
  const fill = order.lastFill;
  const tickDp = order.def.tickSz.decimalPlaces();
  return {
    instType: order.def.instType,
    instId: order.def.instId,
    ordId: order.ordId,
    clOrdId: order.clOrdId,
    tag: order.tag,
    px: order.px ? order.px.toFixed(tickDp) : '',
    sz: order.sz.toFixed(),
    ordType: order.ordType,
    side: order.side,
    posSide: order.def.instType === 'SPOT' ? '' : 'net',
    tdMode: order.tdMode,
    tgtCcy: order.def.instType === 'SPOT' ? order.tgtCcy : '',
    accFillSz: order.accFillSz.toFixed(),
    fillPx: fill ? fill.px.toFixed(tickDp) : '',
    fillSz: fill ? fill.sz.toFixed() : '0',
    fillTime: fill ? String(fill.ts) : '',
    tradeId: fill ? fill.tradeId : '',
    fillFee: fill ? fill.fee.toFixed() : '0',
    fillFeeCcy: fill ? fill.feeCcy : '',
    execType: fill ? fill.execType : '',
    avgPx: order.accFillSz.gt(0) ? order.fillValue.div(order.accFillSz).toFixed() : '',
    state: order.state,
    lever: order.def.instType === 'SPOT' ? '' : String(order.lever),
    fee: order.fee.toFixed(),
    feeCcy: order.feeCcy,
    pnl: order.pnl.toFixed(),
    reduceOnly: String(order.reduceOnly),
    cancelSource: order.cancelSource,
    amendResult: order.amendResult,
    reqId: order.reqId,
    code: '0',
    msg: '',
    cTime: String(order.cTime),
    uTime: String(order.uTime),
  };
}

/** One row of GET /api/v5/trade/fills (OKX field names; fee in OKX sign, negative = charged). */
/** A funding bill as GET /api/v5/account/bills lists it (type 8; subType 173 = expense, 174 = income). */
export function fundingBillToOkx(bill: OkxFundingBill): Record<string, string> {
  return {
    billId: bill.billId, instType: 'SWAP', instId: bill.instId, ccy: bill.ccy, mgnMode: bill.mgnMode,
    type: '8', subType: bill.balChg.isNegative() ? '173' : '174',
    balChg: bill.balChg.toFixed(), bal: bill.bal.toFixed(), posBal: '0', posBalChg: '0',
    sz: bill.sz.toFixed(), px: bill.px.toFixed(), pnl: '0', fee: '0', interest: '0',
    ordId: '', clOrdId: '', tradeId: '', execType: '', from: '', to: '', notes: '', tag: '',
    fillTime: '', fillPx: '', fillIdxPx: '', fillMarkPx: '', fillPxVol: '', fillPxUsd: '', fillMarkVol: '', fillFwdPx: '',
    ts: String(bill.ts),
  };
}

export function fillToOkx(record: OkxFillRecord): Record<string, string> {
  const { order, fill } = record;
  return {
    instType: order.def.instType,
    instId: order.def.instId,
    tradeId: fill.tradeId,
    ordId: order.ordId,
    clOrdId: order.clOrdId,
    billId: record.billId,
    subType: order.side === 'buy' ? '1' : '2',
    tag: order.tag,
    fillPx: fill.px.toFixed(order.def.tickSz.decimalPlaces()),
    fillSz: fill.sz.toFixed(),
    fillIdxPx: '',
    fillPnl: '0',
    fillPxVol: '',
    fillPxUsd: '',
    fillMarkVol: '',
    fillFwdPx: '',
    fillMarkPx: '',
    side: order.side,
    posSide: order.def.instType === 'SPOT' ? '' : 'net',
    execType: fill.execType,
    feeCcy: fill.feeCcy,
    fee: fill.fee.toFixed(),
    ts: String(fill.ts),
    fillTime: String(fill.ts),
    feeRate: '',
  };
}

export function positionToOkx(exchange: OkxExchange, p: OkxPosition): Record<string, string> {
  const mark = exchange.market(p.def.instId)?.mark ?? p.avgPx;
  const upl = exchange.upl(p);
  const imr = exchange.positionImr(p);
  const liqPx = liquidationPrice(p);
  return {
    instType: p.def.instType,
    instId: p.def.instId,
    posId: `${p.def.instId}-${p.mgnMode}`,
    posSide: 'net',
    pos: p.pos.toFixed(),
    availPos: p.pos.abs().toFixed(),
    avgPx: p.pos.isZero() ? '' : p.avgPx.toFixed(),
    markPx: mark.toFixed(),
    last: exchange.market(p.def.instId)?.last.toFixed() ?? '',
    idxPx: mark.toFixed(),
    lever: String(p.lever),
    mgnMode: p.mgnMode,
    margin: p.mgnMode === 'isolated' ? p.margin.toFixed() : '',
    imr: p.mgnMode === 'cross' ? imr.toFixed() : '',
    mmr: p.pos.abs().times(p.def.ctVal).times(mark).times('0.004').toFixed(),
    mgnRatio: '',
    liqPx: liqPx ? liqPx.toFixed() : '',
    upl: upl.toFixed(),
    uplRatio: imr.isZero() ? '0' : upl.div(imr).toFixed(8),
    realizedPnl: p.realizedPnl.plus(p.fee).toFixed(),
    pnl: p.realizedPnl.toFixed(),
    fee: p.fee.toFixed(),
    notionalUsd: p.pos.abs().times(p.def.ctVal).times(mark).toFixed(),
    ccy: p.def.settleCcy,
    adl: '1',
    cTime: String(p.cTime),
    uTime: String(p.uTime),
    pTime: String(p.uTime),
    tradeId: p.tradeId,
  };
}

/** Isolated-margin estimate (exchanges.md §1.9) with MMR 0.4 %; null for cross or flat positions. */
function liquidationPrice(p: OkxPosition): Decimal | null {
  if (p.mgnMode !== 'isolated' || p.pos.isZero()) return null;
  const q = p.pos.abs().times(p.def.ctVal);
  const mmr = new Decimal('0.004');
  if (p.pos.gt(0)) return p.avgPx.minus(p.margin.div(q)).div(new Decimal(1).minus(mmr).minus(p.def.takerFee)).toDecimalPlaces(8);
  return p.avgPx.plus(p.margin.div(q)).div(new Decimal(1).plus(mmr).plus(p.def.takerFee)).toDecimalPlaces(8);
}

function usdPrice(exchange: OkxExchange, ccy: string): Decimal {
  if (ccy === 'USDT' || ccy === 'USDC' || ccy === 'USD') return new Decimal(1);
  return exchange.mid(`${ccy}-USDT`) ?? ZERO;
}

export function balanceToOkx(exchange: OkxExchange, account: OkxAccount, now: number, ccys?: readonly string[]): Record<string, unknown> {
  const details: Record<string, string>[] = [];
  let totalEq = ZERO;
  let totalUpl = ZERO;
  let totalImr = ZERO;
  let totalFrozen = ZERO;
  for (const [ccy, cash] of account.cash) {
    let upl = ZERO;
    let isoEq = ZERO;
    for (const p of account.positions.values()) {
      if (p.def.settleCcy !== ccy || p.pos.isZero()) continue;
      upl = upl.plus(exchange.upl(p));
      if (p.mgnMode === 'isolated') isoEq = isoEq.plus(p.margin).plus(exchange.upl(p));
    }
    const frozen = exchange.frozen(account, ccy);
    const margin = exchange.usedMargin(account, ccy);
    const eq = cash.plus(upl);
    const usd = usdPrice(exchange, ccy);
    totalEq = totalEq.plus(eq.times(usd));
    totalUpl = totalUpl.plus(upl.times(usd));
    totalImr = totalImr.plus(margin.times(usd));
    totalFrozen = totalFrozen.plus(frozen.times(usd));
    if (ccys && ccys.length > 0 && !ccys.includes(ccy)) continue;
    details.push({
      ccy, eq: eq.toFixed(), cashBal: cash.toFixed(), availBal: exchange.available(account, ccy).toFixed(),
      availEq: exchange.available(account, ccy).toFixed(), frozenBal: frozen.plus(margin).toFixed(), ordFrozen: frozen.toFixed(),
      upl: upl.toFixed(), isoEq: isoEq.toFixed(), eqUsd: eq.times(usd).toFixed(), disEq: eq.times(usd).toFixed(),
      imr: margin.toFixed(), mmr: '', mgnRatio: '', notionalLever: '', uTime: String(now),
    });
  }
  return {
    totalEq: totalEq.toFixed(), adjEq: totalEq.toFixed(), isoEq: '', ordFroz: totalFrozen.toFixed(), imr: totalImr.toFixed(), mmr: '',
    mgnRatio: '', notionalUsd: '', upl: totalUpl.toFixed(), uTime: String(now), details,
  };
}

export function tickerToOkx(m: InstrumentMarket, ts: number): Record<string, string> {
  const dp = m.def.tickSz.decimalPlaces();
  const bid = m.book.depth('buy', 1)[0];
  const ask = m.book.depth('sell', 1)[0];
  return {
    instType: m.def.instType, instId: m.def.instId, last: m.last.toFixed(dp), lastSz: m.lastSz.toFixed(),
    askPx: ask ? ask[0].toFixed(dp) : '', askSz: ask ? ask[1].toFixed() : '', bidPx: bid ? bid[0].toFixed(dp) : '', bidSz: bid ? bid[1].toFixed() : '',
    open24h: m.open24h.toFixed(dp), high24h: m.high24h.toFixed(dp), low24h: m.low24h.toFixed(dp),
    volCcy24h: m.vol24h.times(m.def.ctVal).toFixed(), vol24h: m.vol24h.toFixed(), sodUtc0: m.open24h.toFixed(dp), sodUtc8: m.open24h.toFixed(dp), ts: String(ts),
  };
}

export function fundingToOkx(m: InstrumentMarket, ts: number): Record<string, string> {
  return {
    instType: m.def.instType, instId: m.def.instId, method: 'current_period', formulaType: 'withRate',
    fundingRate: m.fundingRate.toFixed(), nextFundingRate: '', fundingTime: String(m.fundingTime),
    nextFundingTime: String(m.fundingTime + 28_800_000), minFundingRate: '-0.00375', maxFundingRate: '0.00375',
    interestRate: '0.0001', impactValue: '20000', settState: 'settled', settFundingRate: m.fundingRate.toFixed(),
    premium: '0', sodUtc0: '', ts: String(ts),
  };
}

export function markToOkx(m: InstrumentMarket, ts: number): Record<string, string> {
  return { instType: m.def.instType, instId: m.def.instId, markPx: m.mark.toFixed(), ts: String(ts) };
}

export function tradeToOkx(t: { instId: string; tradeId: string; px: Decimal; sz: Decimal; side: string; ts: number }, dp: number): Record<string, string> {
  return { instId: t.instId, tradeId: t.tradeId, px: t.px.toFixed(dp), sz: t.sz.toFixed(), side: t.side, ts: String(t.ts), count: '1', source: '0', seqId: t.tradeId };
}
