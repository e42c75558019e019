/**
 * Exact ordering of non-negative decimal strings ("3366.1" < "3366.15" < "3367") without converting to floats:
 * the book keeps prices as the venue's own strings (needed verbatim for the checksum) and sorts them with this.
 */
export function comparePriceStrings(a: string, b: string): number {
  if (a === b) return 0;
  const da = a.indexOf('.');
  const db = b.indexOf('.');
  const ia = da < 0 ? a.length : da;
  const ib = db < 0 ? b.length : db;
  // Integer parts: strip leading zeros by length comparison (venues do not send leading zeros except "0.x").
  if (ia !== ib) return ia - ib;
  for (let i = 0; i < ia; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  const la = a.length;
  const lb = b.length;
  const n = Math.max(la - ia, lb - ib);
  for (let k = 1; k < n; k++) {
    const ca = ia + k < la ? a.charCodeAt(ia + k) : 48;
    const cb = ib + k < lb ? b.charCodeAt(ib + k) : 48;
    if (ca !== cb) return ca - cb;
  }
  return 0;
}
