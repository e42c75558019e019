import { describe, expect, it } from 'vitest';
import { okxChecksum, okxChecksumString } from './checksum.js';

describe('okxChecksum', () => {
  it('matches the documented OKX example (signed CRC32)', () => {
    const bids = [['3366.1', '7'], ['3366', '6']] as const;
    const asks = [['3366.8', '9'], ['3368', '8']] as const;
    expect(okxChecksumString(bids, asks)).toBe('3366.1:7:3366.8:9:3366:6:3368:8');
    expect(okxChecksum(bids, asks)).toBe(-1881014294);
  });

  it('uses only the top 25 levels and tolerates one-sided books', () => {
    const bids = Array.from({ length: 30 }, (_, i) => [String(100 - i), '1'] as const);
    expect(okxChecksumString(bids, []).split(':')).toHaveLength(50);
    expect(okxChecksum(bids, [])).toBe(okxChecksum(bids.slice(0, 25), []));
  });
});
