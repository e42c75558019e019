/**
 * OKX order-book checksum: top 25 bids and asks interleaved as `bidPx:bidSz:askPx:askSz:...` using the price and
 * size strings exactly as sent, CRC32 of that string read as a signed 32-bit integer.
 */
import { crc32 } from 'node:zlib';

export function okxChecksumString(
  bids: readonly (readonly [string, string, ...string[]])[],
  asks: readonly (readonly [string, string, ...string[]])[],
): string {
  const parts: string[] = [];
  for (let i = 0; i < 25; i++) {
    const bid = bids[i];
    if (bid) parts.push(bid[0], bid[1]);
    const ask = asks[i];
    if (ask) parts.push(ask[0], ask[1]);
  }
  return parts.join(':');
}

export function okxChecksum(
  bids: readonly (readonly [string, string, ...string[]])[],
  asks: readonly (readonly [string, string, ...string[]])[],
): number {
  return crc32(okxChecksumString(bids, asks)) | 0;
}
