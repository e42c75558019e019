/**
 * CRC-32 (IEEE, as zlib) fed character by character, so the OKX book checksum is computed straight from the level
 * strings without building and encoding one long string (the book's hot path). Inputs are ASCII (digits, '.', ':').
 */
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

export const CRC32_INIT = -1;

export function crc32Byte(crc: number, byte: number): number {
  return (TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
}

export function crc32Ascii(crc: number, text: string): number {
  let c = crc;
  for (let i = 0; i < text.length; i++) c = (TABLE[(c ^ text.charCodeAt(i)) & 0xff] as number) ^ (c >>> 8);
  return c;
}

/** Final value as a signed 32-bit integer (how OKX sends `checksum`). */
export function crc32Finish(crc: number): number {
  return (crc ^ -1) | 0;
}
