/**
 * Simulated on-chain balances: pUSD collateral and CTF outcome-token positions per address, all exact decimals.
 * Every movement is recorded as a delta so a FAILED settlement can be undone exactly.
 */
import { Decimal } from 'decimal.js';
import type { LedgerDelta } from './types.js';

const ZERO = new Decimal(0);

interface Account {
  collateral: Decimal;
  tokens: Map<string, Decimal>;
}

export class Ledger {
  private readonly accounts = new Map<string, Account>();

  constructor(private readonly initialCollateral: Decimal) {}

  private account(address: string): Account {
    const key = address.toLowerCase();
    let acc = this.accounts.get(key);
    if (acc === undefined) {
      acc = { collateral: this.initialCollateral, tokens: new Map() };
      this.accounts.set(key, acc);
    }
    return acc;
  }

  collateral(address: string): Decimal {
    return this.account(address).collateral;
  }

  tokens(address: string, tokenId: string): Decimal {
    return this.account(address).tokens.get(tokenId) ?? ZERO;
  }

  /** Adds (or with a negative amount removes) collateral or tokens; returns the delta for undo. */
  move(address: string, asset: string, amount: Decimal): LedgerDelta {
    const acc = this.account(address);
    if (asset === 'collateral') acc.collateral = acc.collateral.plus(amount);
    else acc.tokens.set(asset, (acc.tokens.get(asset) ?? ZERO).plus(amount));
    return { address, asset, amount };
  }

  undo(deltas: readonly LedgerDelta[]): void {
    for (const d of deltas) this.move(d.address, d.asset, d.amount.neg());
  }

  /** Holders of a token with a non-zero balance (for resolution payouts). */
  holders(tokenId: string): [string, Decimal][] {
    const out: [string, Decimal][] = [];
    for (const [address, acc] of this.accounts) {
      const q = acc.tokens.get(tokenId);
      if (q !== undefined && !q.isZero()) out.push([address, q]);
    }
    return out;
  }

  /** Sets balances outright (admin funding). */
  set(address: string, asset: string, amount: Decimal): void {
    const acc = this.account(address);
    if (asset === 'collateral') acc.collateral = amount;
    else acc.tokens.set(asset, amount);
  }
}
