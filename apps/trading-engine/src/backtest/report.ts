/**
 * The backtest report: the usual statistics computed from a BacktestResult, as a plain JSON value with a stable key
 * order and fixed number formatting, so the same run always serializes to the same bytes. Money is exact
 * (decimal strings); the only floating-point figures are the dimensionless ratios (Sharpe, volatility).
 */
import { Decimal } from 'decimal.js';
import type { BacktestResult } from './runner.js';

const YEAR_MS = 365 * 86_400_000;
const MAX_REPORTED_FILLS = 500;

export interface ReportFill {
  time: number;
  instrumentId: string;
  side: string;
  price: string;
  quantity: string;
  fee: string;
  role: string;
  realizedPnl: string;
  tag: string | null;
}

export interface BacktestReport {
  format: 'backtest-report/1';
  strategy: string;
  config: Record<string, unknown>;
  data: { startTime: number; endTime: number; durationMs: number; events: number; eventsByType: Record<string, number>; instruments: string[] };
  summary: {
    currency: string;
    startingEquity: string;
    endingEquity: string;
    totalPnl: string;
    returnPct: string;
    realizedPnl: string;
    unrealizedPnl: string;
    fees: string;
    funding: string;
    maxDrawdown: string;
    maxDrawdownPct: string;
    sharpe: string;
    annualizedVolatilityPct: string;
    trades: number;
    closingTrades: number;
    winRatePct: string;
    volume: string;
    turnover: string;
    ordersPlaced: number;
    cancelRequests: number;
    venueRejected: number;
    riskDenied: Record<string, number>;
    stoppedBy: { rule: string; message: string; time: number } | null;
  };
  positions: { instrumentId: string; quantity: string; averageEntryPrice: string; markPrice: string | null; unrealizedPnl: string }[];
  equity: { time: number; equity: string; drawdownPct: string }[];
  fills: ReportFill[];
  fillsOmitted: number;
  logs: string[];
}

const money = (value: Decimal): string => value.toDecimalPlaces(6).toFixed();
const pct = (value: Decimal): string => value.toDecimalPlaces(4).toFixed();

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** Sharpe of the equity curve's per-sample returns, annualized by the sample period (risk-free rate 0). */
function sharpeAndVolatility(equity: readonly Decimal[], periodMs: number): { sharpe: number; volatility: number } {
  const returns: number[] = [];
  for (let i = 1; i < equity.length; i += 1) {
    const previous = equity[i - 1];
    const current = equity[i];
    if (previous === undefined || current === undefined || previous.lte(0)) continue;
    returns.push(current.div(previous).sub(1).toNumber());
  }
  if (returns.length < 2 || periodMs <= 0) return { sharpe: 0, volatility: 0 };
  const mean = returns.reduce((sum, r) => sum + r, 0) / returns.length;
  const variance = returns.reduce((sum, r) => sum + (r - mean) * (r - mean), 0) / (returns.length - 1);
  const std = Math.sqrt(variance);
  const perYear = YEAR_MS / periodMs;
  return { sharpe: std === 0 ? 0 : (mean / std) * Math.sqrt(perYear), volatility: std * Math.sqrt(perYear) * 100 };
}

export function buildReport(result: BacktestResult): BacktestReport {
  const figures = result.figures;
  let peak = result.startingEquity;
  let maxDrawdown = new Decimal(0);
  let maxDrawdownPct = new Decimal(0);
  const curve = result.equity.map((point) => {
    if (point.equity.gt(peak)) peak = point.equity;
    const drawdown = peak.sub(point.equity);
    const drawdownPct = peak.gt(0) ? drawdown.div(peak).mul(100) : new Decimal(0);
    if (drawdown.gt(maxDrawdown)) maxDrawdown = drawdown;
    if (drawdownPct.gt(maxDrawdownPct)) maxDrawdownPct = drawdownPct;
    return { time: point.timestamp, equity: money(point.equity), drawdownPct: pct(drawdownPct) };
  });
  const period = result.equity.length > 1 ? (result.endTime - result.startTime) / (result.equity.length - 1) : 0;
  const { sharpe, volatility } = sharpeAndVolatility(
    result.equity.map((point) => point.equity),
    period,
  );
  // A closing trade is a fill that realized PnL; it wins when that PnL beats its own fee.
  const closing = result.fills.filter((fill) => !fill.realized.isZero());
  const wins = closing.filter((fill) => fill.realized.sub(fill.fee).gt(0)).length;
  const fills = result.fills.slice(0, MAX_REPORTED_FILLS).map((fill) => ({
    time: fill.timestamp,
    instrumentId: fill.instrumentId,
    side: fill.side,
    price: fill.price.toFixed(),
    quantity: fill.quantity.toFixed(),
    fee: money(fill.fee),
    role: fill.role,
    realizedPnl: money(fill.realized),
    tag: fill.tag,
  }));
  return {
    format: 'backtest-report/1',
    strategy: result.strategy,
    config: result.config,
    data: {
      startTime: result.startTime,
      endTime: result.endTime,
      durationMs: result.endTime - result.startTime,
      events: result.events,
      eventsByType: sortedRecord(result.eventsByType),
      instruments: result.instruments.map((instrument) => instrument.id),
    },
    summary: {
      currency: result.currency,
      startingEquity: money(result.startingEquity),
      endingEquity: money(figures.equity),
      totalPnl: money(figures.totalPnl),
      returnPct: pct(result.startingEquity.gt(0) ? figures.totalPnl.div(result.startingEquity).mul(100) : new Decimal(0)),
      realizedPnl: money(figures.realizedPnl),
      unrealizedPnl: money(figures.unrealizedPnl),
      fees: money(figures.fees),
      funding: money(figures.funding),
      maxDrawdown: money(maxDrawdown),
      maxDrawdownPct: pct(maxDrawdownPct),
      sharpe: sharpe.toFixed(3),
      annualizedVolatilityPct: volatility.toFixed(3),
      trades: result.fills.length,
      closingTrades: closing.length,
      winRatePct: closing.length === 0 ? '0' : new Decimal(wins).div(closing.length).mul(100).toDecimalPlaces(2).toFixed(),
      volume: money(figures.volume),
      turnover: result.startingEquity.gt(0) ? figures.volume.div(result.startingEquity).toDecimalPlaces(4).toFixed() : '0',
      ordersPlaced: result.orders.placed,
      cancelRequests: result.orders.cancelRequests,
      venueRejected: result.orders.venueRejected,
      riskDenied: sortedRecord(result.orders.riskDenied),
      stoppedBy: result.stoppedBy === null ? null : { rule: result.stoppedBy.rule, message: result.stoppedBy.message, time: result.stoppedBy.timestamp },
    },
    positions: result.positions.map((position) => ({
      instrumentId: position.instrumentId,
      quantity: position.quantity.toFixed(),
      averageEntryPrice: money(position.averageEntryPrice),
      markPrice: position.markPrice === null ? null : position.markPrice.toFixed(),
      unrealizedPnl: money(position.unrealizedPnl),
    })),
    equity: curve,
    fills,
    fillsOmitted: Math.max(0, result.fills.length - MAX_REPORTED_FILLS),
    logs: result.logs,
  };
}

/** The report's canonical bytes (2-space JSON, trailing newline). */
export function serializeReport(report: BacktestReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
