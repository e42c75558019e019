/**
 * The fidelity report: the same strategy, config and seed run live (simulator's matching engine) and paper (the
 * engine's paper matcher on the simulator's feed), side by side, with the paper-vs-live divergence of each figure.
 * Divergence = (paper − live) / |live|, in percent; null when the live figure is zero.
 */
import { Decimal } from 'decimal.js';
import type { SessionResult } from './session.js';

/** Targets of issue #10: PnL within 2 %, fill count within 5 % over a one-hour session. */
export const TARGETS = { pnlPct: 2, fillsPct: 5 } as const;

export interface ModeFigures {
  fills: number;
  /** Fill quantity, order units. */
  quantity: string;
  /** Notional traded, settle currency. */
  volume: string;
  fees: string;
  realizedPnl: string;
  totalPnl: string;
  endPosition: string;
  ordersPlaced: number;
}

export interface FidelityReport {
  strategy: string;
  seed: number;
  durationMs: number;
  latencyMs: number;
  liveBookView: 'public' | 'without-own';
  /** Paper matcher's trade-print allocation. */
  printAllocation: 'per-order' | 'shared';
  /** Paper matcher's memory of taken liquidity. */
  liquidityMemory: 'next-book' | 'while-shown';
  /** Paper matcher's queue-position model, e.g. 'power k=2'. */
  queueModel: string;
  /** Whether the books carried per-level order counts. */
  orderCounts: boolean;
  feed: 'books' | 'tick-by-tick';
  live: ModeFigures;
  paper: ModeFigures;
  divergencePct: { fills: number | null; quantity: number | null; volume: number | null; fees: number | null; totalPnl: number | null };
  withinTargets: { pnl: boolean; fills: boolean };
}

function figuresOf(result: SessionResult): ModeFigures {
  const quantity = result.fills.reduce((sum, fill) => sum.add(fill.quantity), new Decimal(0));
  return {
    fills: result.fills.length,
    quantity: quantity.toFixed(),
    volume: result.figures.volume.toFixed(2),
    fees: result.figures.fees.toFixed(4),
    realizedPnl: result.figures.realizedPnl.toFixed(4),
    totalPnl: result.figures.totalPnl.toFixed(4),
    endPosition: result.position.toFixed(),
    ordersPlaced: result.ordersPlaced,
  };
}

/** (paper − live) / |live| × 100, rounded to 0.01; null when live is zero (no meaningful ratio). */
export function divergencePct(live: Decimal.Value, paper: Decimal.Value): number | null {
  const l = new Decimal(live);
  if (l.isZero()) return null;
  return new Decimal(paper).sub(l).div(l.abs()).mul(100).toDecimalPlaces(2).toNumber();
}

function within(value: number | null, target: number, liveZero: boolean, paperZero: boolean): boolean {
  if (value === null) return liveZero && paperZero;
  return Math.abs(value) <= target;
}

export function buildReport(
  meta: Pick<FidelityReport, 'strategy' | 'seed' | 'durationMs' | 'latencyMs' | 'liveBookView' | 'printAllocation' | 'liquidityMemory' | 'queueModel' | 'orderCounts' | 'feed'>,
  live: SessionResult,
  paper: SessionResult,
): FidelityReport {
  const l = figuresOf(live);
  const p = figuresOf(paper);
  const divergence = {
    fills: divergencePct(l.fills, p.fills),
    quantity: divergencePct(l.quantity, p.quantity),
    volume: divergencePct(l.volume, p.volume),
    fees: divergencePct(l.fees, p.fees),
    totalPnl: divergencePct(l.totalPnl, p.totalPnl),
  };
  return {
    ...meta,
    live: l,
    paper: p,
    divergencePct: divergence,
    withinTargets: {
      pnl: within(divergence.totalPnl, TARGETS.pnlPct, new Decimal(l.totalPnl).isZero(), new Decimal(p.totalPnl).isZero()),
      fills: within(divergence.fills, TARGETS.fillsPct, l.fills === 0, p.fills === 0),
    },
  };
}

function pct(value: number | null): string {
  if (value === null) return 'n/a';
  return `${value > 0 ? '+' : ''}${value.toFixed(2)} %`;
}

/** Markdown table rows: one per figure, live | paper | divergence. */
export function formatReport(report: FidelityReport): string {
  const minutes = report.durationMs / 60_000;
  const lines = [
    `${report.strategy} — seed ${String(report.seed)}, ${String(minutes)} min simulated, latency ${String(report.latencyMs)} ms, feed ${report.feed}, paper prints ${report.printAllocation}, liquidity memory ${report.liquidityMemory}, queue ${report.queueModel}${report.orderCounts ? ' with order counts' : ''}, live book view ${report.liveBookView}`,
    '',
    '| figure | live | paper | paper vs live |',
    '|---|---:|---:|---:|',
    `| fills | ${String(report.live.fills)} | ${String(report.paper.fills)} | ${pct(report.divergencePct.fills)} |`,
    `| filled quantity | ${report.live.quantity} | ${report.paper.quantity} | ${pct(report.divergencePct.quantity)} |`,
    `| volume | ${report.live.volume} | ${report.paper.volume} | ${pct(report.divergencePct.volume)} |`,
    `| fees | ${report.live.fees} | ${report.paper.fees} | ${pct(report.divergencePct.fees)} |`,
    `| PnL (total) | ${report.live.totalPnl} | ${report.paper.totalPnl} | ${pct(report.divergencePct.totalPnl)} |`,
    `| realized PnL | ${report.live.realizedPnl} | ${report.paper.realizedPnl} | |`,
    `| end position | ${report.live.endPosition} | ${report.paper.endPosition} | |`,
    `| orders placed | ${String(report.live.ordersPlaced)} | ${String(report.paper.ordersPlaced)} | |`,
    '',
    `targets: PnL within ${String(TARGETS.pnlPct)} % ${report.withinTargets.pnl ? 'met' : 'MISSED'}; fills within ${String(TARGETS.fillsPct)} % ${report.withinTargets.fills ? 'met' : 'MISSED'}`,
  ];
  return lines.join('\n');
}
