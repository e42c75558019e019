/**
 * Funding is booked once per settlement and only on a position the bot held: a live account's funding bills are read
 * again after a reconnect or an adoption, and a settlement before the bot's first fill is not the bot's.
 */
import { describe, expect, it } from 'vitest';
import { BotLedger } from '../../src/portfolio/bot-ledger.js';
import { BTC_SWAP, d } from './fixtures.js';

describe('BotLedger funding', () => {
  it('books a settlement once, never one at or before the fill that opened the holding', () => {
    const ledger = new BotLedger('USDT', d(1000), 0);
    // Nothing held yet: a settlement is somebody else's.
    expect(ledger.applyFunding(BTC_SWAP, d('-0.5'), 500)).toBe(false);
    ledger.applyFill(BTC_SWAP, 'BUY', d(100), d(2), d(0), 1_000);
    expect(ledger.applyFunding(BTC_SWAP, d('-0.25'), 900)).toBe(false); // settled before the bot held it
    expect(ledger.applyFunding(BTC_SWAP, d('-0.25'), 1_000)).toBe(false); // same millisecond as the opening fill
    expect(ledger.applyFunding(BTC_SWAP, d('-0.002'), 8_000)).toBe(true);
    expect(ledger.applyFunding(BTC_SWAP, d('-0.002'), 8_000)).toBe(false); // the same bill read again
    expect(ledger.applyFunding(BTC_SWAP, d('0.001'), 16_000)).toBe(true);
    expect(ledger.figures(16_000).funding.toFixed()).toBe('-0.001');
    expect(ledger.position(BTC_SWAP.id).funding.toFixed()).toBe('-0.001');
  });

  it('an adopting engine restores the cursor from the checkpoint and books only later settlements', () => {
    const owner = new BotLedger('USDT', d(1000), 0);
    owner.applyFill(BTC_SWAP, 'SELL', d(100), d(3), d(0), 1_000);
    expect(owner.applyFunding(BTC_SWAP, d('0.003'), 8_000)).toBe(true);
    const checkpoint = JSON.parse(JSON.stringify(owner.toCheckpoint())) as ReturnType<BotLedger['toCheckpoint']>;
    expect(checkpoint.fundingBookedUntil).toEqual({ [BTC_SWAP.id]: 8_000 });

    const adopter = new BotLedger('USDT', d(1000), 20_000);
    adopter.restore(checkpoint, (id) => (id === BTC_SWAP.id ? BTC_SWAP : undefined));
    // The adopter's adapter reads the account's bills again at start: the 8 000 settlement is already booked.
    expect(adopter.applyFunding(BTC_SWAP, d('0.003'), 8_000)).toBe(false);
    expect(adopter.applyFunding(BTC_SWAP, d('0.004'), 24_000)).toBe(true);
    expect(adopter.figures(24_000).funding.toFixed()).toBe('0.007');
  });

  it('a checkpoint without the cursor (written before it existed) books only settlements after the restore', () => {
    const owner = new BotLedger('USDT', d(1000), 0);
    owner.applyFill(BTC_SWAP, 'BUY', d(100), d(1), d(0), 1_000);
    owner.applyFunding(BTC_SWAP, d('-0.001'), 8_000);
    const { fundingBookedUntil: _cursor, ...older } = owner.toCheckpoint();
    const adopter = new BotLedger('USDT', d(1000), 20_000);
    adopter.restore(older, (id) => (id === BTC_SWAP.id ? BTC_SWAP : undefined), 20_000);
    expect(adopter.applyFunding(BTC_SWAP, d('-0.001'), 8_000)).toBe(false); // already in the restored books
    expect(adopter.applyFunding(BTC_SWAP, d('-0.002'), 16_000)).toBe(false); // before the restore: not booked twice
    expect(adopter.applyFunding(BTC_SWAP, d('-0.003'), 24_000)).toBe(true);
    expect(adopter.figures(24_000).funding.toFixed()).toBe('-0.004');
  });
});
