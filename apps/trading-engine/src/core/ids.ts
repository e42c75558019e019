/**
 * Client order ids: 1–32 alphanumerics (the OKX clOrdId rule, also fine for Polymarket), deterministic per bot so a
 * replay produces the same ids.
 */
export function sanitizeIdPart(text: string, max: number): string {
  const clean = text.replace(/[^A-Za-z0-9]/g, '');
  return clean.slice(0, max) || 'x';
}

/** `<bot prefix><counter base36>`; unique within one bot run. */
export class ClientOrderIdGenerator {
  private counter = 0;
  private readonly prefix: string;

  constructor(botId: string, runNonce: string | number = 0) {
    this.prefix = `${sanitizeIdPart(botId, 16)}${sanitizeIdPart(String(runNonce), 4)}o`;
  }

  /** What every id of this run starts with (`<bot><run>o`). */
  get runPrefix(): string {
    return this.prefix;
  }

  next(): string {
    this.counter += 1;
    return `${this.prefix}${this.counter.toString(36)}`.slice(-32);
  }
}
