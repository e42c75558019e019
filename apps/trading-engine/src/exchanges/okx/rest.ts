/**
 * OKX REST through the real `okx-api` RestClient (its `baseUrl` option is the only difference between the simulator
 * and production). Adds per-endpoint pacing, retry with jittered backoff on 429/50011 (the request was not
 * processed, so a retry is safe), and one error type that says whether the venue answered, refused or timed out.
 */
import { RestClient } from 'okx-api';
import type { Logger } from 'pino';
import { OKX_CODES, OKX_RATE_LIMITS } from './constants.js';
import { parseOkxError } from './parse.js';
import { RateLimiter } from './rate-limiter.js';

export class OkxRequestError extends Error {
  constructor(
    message: string,
    /** Top-level OKX code, or 'transport' / 'timeout' when no answer arrived. */
    readonly code: string,
    readonly sCode?: string,
    readonly sMsg?: string,
  ) {
    super(message);
    this.name = 'OkxRequestError';
  }

  /** True when the request may or may not have been processed (no answer). */
  get ambiguous(): boolean {
    return this.code === 'timeout' || this.code === 'transport';
  }
}

export interface OkxRestConfig {
  restUrl: string;
  credentials?: { apiKey: string; secret: string; passphrase: string };
  /** Per-request timeout (the SDK default is 5 minutes). */
  timeoutMs: number;
  logger: Logger;
  maxRateLimitRetries?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function transportError(error: unknown): OkxRequestError {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof error === 'string' ? error : typeof e.message === 'string' ? e.message : 'request failed';
  const timeout = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
  return new OkxRequestError(message, timeout ? 'timeout' : 'transport');
}

export class OkxRest {
  readonly client: RestClient;
  private readonly limiter = new RateLimiter(OKX_RATE_LIMITS);

  constructor(private readonly config: OkxRestConfig) {
    const creds = config.credentials;
    this.client = new RestClient(
      {
        baseUrl: config.restUrl,
        ...(creds ? { apiKey: creds.apiKey, apiSecret: creds.secret, apiPass: creds.passphrase } : {}),
      },
      { timeout: config.timeoutMs },
    );
  }

  /**
   * Runs one SDK call under the endpoint's rate limit; throws OkxRequestError. `beforeSend` runs right before each
   * attempt leaves (after the rate-limit wait); what it throws is thrown as is and nothing is sent.
   */
  async call<T>(endpoint: string, fn: (client: RestClient) => Promise<T>, beforeSend?: () => void): Promise<T> {
    const maxRetries = this.config.maxRateLimitRetries ?? 5;
    for (let attempt = 0; ; attempt++) {
      await this.limiter.acquire(endpoint);
      beforeSend?.();
      try {
        return await fn(this.client);
      } catch (error) {
        const okx = parseOkxError(error);
        if (!okx) throw transportError(error);
        if (okx.code === OKX_CODES.rateLimited && attempt < maxRetries) {
          const delay = Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() * 0.5);
          this.config.logger.warn({ endpoint, attempt, delay }, 'okx rate limited (50011), backing off');
          await sleep(delay);
          continue;
        }
        throw new OkxRequestError(okx.sMsg ?? okx.msg, okx.code, okx.sCode, okx.sMsg);
      }
    }
  }
}
