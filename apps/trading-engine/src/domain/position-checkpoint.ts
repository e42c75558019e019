/** A position view ↔ its checkpoint form (decimal strings), shared by the bot ledger and the paper account. */
import { Decimal } from 'decimal.js';
import type { LedgerHolding } from '@trading/shared-types';
import type { InstrumentId } from '../ports/instruments.js';
import type { PositionView } from './position.js';

export function holdingToCheckpoint(view: PositionView): LedgerHolding {
  return {
    instrumentId: view.instrumentId,
    quantity: view.quantity.toFixed(),
    averageEntryPrice: view.averageEntryPrice.toFixed(),
    realizedPnl: view.realizedPnl.toFixed(),
    unrealizedPnl: view.unrealizedPnl.toFixed(),
    fees: view.fees.toFixed(),
    funding: view.funding.toFixed(),
    markPrice: view.markPrice?.toFixed() ?? null,
  };
}

export function holdingFromCheckpoint(saved: LedgerHolding): PositionView {
  return {
    instrumentId: saved.instrumentId as InstrumentId,
    quantity: new Decimal(saved.quantity),
    averageEntryPrice: new Decimal(saved.averageEntryPrice),
    realizedPnl: new Decimal(saved.realizedPnl),
    unrealizedPnl: new Decimal(saved.unrealizedPnl),
    fees: new Decimal(saved.fees),
    funding: new Decimal(saved.funding),
    markPrice: saved.markPrice === null ? null : new Decimal(saved.markPrice),
  };
}
