/**
 * Instrument metadata port: what every order must respect (tick, lot, min size, contract value, expiry).
 * Only exchanges/<venue>/ knows how a venue spells these; the engine sees this shape.
 */
import type { Decimal } from 'decimal.js';
import type { Exchange, Outcome } from '@trading/shared-types';

/** `okx:BTC-USDT-SWAP`, `polymarket:<tokenId>` */
export type InstrumentId = `${Exchange}:${string}`;

export type InstrumentKind = 'spot' | 'swap' | 'futures' | 'binary';

export interface PolymarketInstrumentInfo {
  /** Condition id of the market. */
  marketId: string;
  outcome: Outcome;
  /** Token id of the other outcome (YES ↔ NO). */
  complementTokenId: string;
  negRisk: boolean;
  /** Epoch ms when the market stops trading, if known. */
  endTime: number | null;
}

export interface Instrument {
  id: InstrumentId;
  exchange: Exchange;
  /** The venue's own symbol: OKX instId (BTC-USDT-SWAP), Polymarket token id. */
  symbol: string;
  kind: InstrumentKind;
  base: string;
  quote: string;
  /** Currency of margin and PnL (USDT for linear swaps, USDC for Polymarket). */
  settleCurrency: string;
  tickSize: Decimal;
  /** Quantity step, in the venue's order unit (contracts for OKX derivatives, base for spot, shares for Polymarket). */
  lotSize: Decimal;
  minSize: Decimal;
  /** Base units per contract (OKX ctVal); 1 for spot and Polymarket. */
  contractValue: Decimal;
  /** Epoch ms; null for perpetuals and spot. */
  expiry: number | null;
  maxLeverage: number | null;
  makerFeeRate: Decimal;
  takerFeeRate: Decimal;
  polymarket?: PolymarketInstrumentInfo;
}

export interface InstrumentsPort {
  /** Loads (or refreshes) the venue's instruments. */
  loadInstruments(): Promise<Instrument[]>;
  /** From the last load; undefined when unknown. */
  getInstrument(id: InstrumentId): Instrument | undefined;
}
