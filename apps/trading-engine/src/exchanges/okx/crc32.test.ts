import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CRC32_INIT, crc32Ascii, crc32Finish } from './crc32.js';

describe('crc32Ascii', () => {
  it('equals zlib crc32 (signed) on OKX checksum strings', () => {
    for (const s of ['', '3366.1:7:3366.8:9:3366:6:3368:8', '60010.1:16:0.00000001:123456789.5']) {
      expect(crc32Finish(crc32Ascii(CRC32_INIT, s))).toBe(crc32(s) | 0);
    }
    expect(crc32Finish(crc32Ascii(CRC32_INIT, '3366.1:7:3366.8:9:3366:6:3368:8'))).toBe(-1881014294);
  });
});
