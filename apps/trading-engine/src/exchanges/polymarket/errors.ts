/**
 * Venue error handling: maps the CLOB's error texts to stable codes, and classifies a failure as a rejection
 * (the order certainly does not exist), a rate limit, or an ambiguous outcome (timeout, network, 5xx: the order
 * may exist and must be looked up before any retry).
 */
import { ApiError } from '@polymarket/clob-client-v2';

export class RequestTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${String(ms)} ms`);
    this.name = 'RequestTimeoutError';
  }
}

export type FailureKind = 'rejected' | 'rate-limited' | 'ambiguous' | 'version-mismatch' | 'duplicate';

const CODES: [RegExp, string][] = [
  [/order_version_mismatch/i, 'ORDER_VERSION_MISMATCH'],
  [/duplicat/i, 'INVALID_ORDER_DUPLICATED'],
  [/tick size|MIN_TICK_SIZE/i, 'INVALID_ORDER_MIN_TICK_SIZE'],
  [/MIN_SIZE|lower than the minimum/i, 'INVALID_ORDER_MIN_SIZE'],
  [/balance|allowance/i, 'INVALID_ORDER_NOT_ENOUGH_BALANCE'],
  [/expiration/i, 'INVALID_ORDER_EXPIRATION'],
  [/POST_ONLY_ORDER_TYPE/i, 'INVALID_POST_ONLY_ORDER_TYPE'],
  [/post-only|POST_ONLY/i, 'INVALID_POST_ONLY_ORDER'],
  [/FOK/i, 'FOK_ORDER_NOT_FILLED_ERROR'],
  [/FAK/i, 'FAK_ORDER_NOT_FILLED_ERROR'],
  [/MARKET_NOT_READY|not accepting orders/i, 'MARKET_NOT_READY'],
  [/invalid signature/i, 'INVALID_SIGNATURE'],
  [/owner/i, 'INVALID_OWNER'],
  [/Unauthorized/i, 'UNAUTHORIZED'],
  [/Too Many Requests/i, 'RATE_LIMITED'],
  [/execution/i, 'EXECUTION_ERROR'],
];

export function venueCode(message: string): string {
  for (const [re, code] of CODES) if (re.test(message)) return code;
  return 'INVALID_ORDER_ERROR';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function classify(e: unknown): FailureKind {
  if (e instanceof RequestTimeoutError) return 'ambiguous';
  if (e instanceof ApiError) {
    if (/order_version_mismatch/i.test(e.message)) return 'version-mismatch';
    if (/duplicat/i.test(e.message)) return 'duplicate';
    if (e.status === 429) return 'rate-limited';
    if (e.status !== undefined && e.status >= 400 && e.status < 500) return 'rejected';
    return 'ambiguous';
  }
  // Client-side SDK checks (invalid price, tick) throw plain Errors before anything is sent.
  return 'rejected';
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new RequestTimeoutError(what, ms));
    }, ms);
  });
  // The losing request is left to settle on its own; its result is ignored.
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => {
    clearTimeout(timer);
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
