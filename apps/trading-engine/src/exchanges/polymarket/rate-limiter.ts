/**
 * Client-side token buckets per endpoint class, kept under the venue's published limits (POST /order 3,500/10 s
 * burst, 60/s sustained; DELETE /order 3,000/10 s; balance-allowance 200/10 s) so a burst queues here instead
 * of earning 429s. A 429 that still arrives is retried by the caller after a backoff.
 */
export interface BucketSpec {
  /** Tokens per second. */
  rate: number;
  burst: number;
}

export const POLYMARKET_LIMITS = {
  order: { rate: 60, burst: 350 },
  cancel: { rate: 60, burst: 300 },
  balance: { rate: 20, burst: 20 },
  other: { rate: 20, burst: 50 },
} satisfies Record<string, BucketSpec>;

export type LimitClass = keyof typeof POLYMARKET_LIMITS;

class Bucket {
  private tokens: number;
  private last = Date.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly spec: BucketSpec) {
    this.tokens = spec.burst;
  }

  take(): Promise<void> {
    // Serialize waiters so they are served in order.
    const next = this.queue.then(async () => {
      for (;;) {
        const now = Date.now();
        this.tokens = Math.min(this.spec.burst, this.tokens + ((now - this.last) / 1000) * this.spec.rate);
        this.last = now;
        if (this.tokens >= 1) {
          this.tokens -= 1;
          return;
        }
        await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) / this.spec.rate) * 1000)));
      }
    });
    this.queue = next;
    return next;
  }
}

export class RateLimiter {
  private readonly buckets = new Map<LimitClass, Bucket>();

  constructor(private readonly limits: Record<LimitClass, BucketSpec> = POLYMARKET_LIMITS) {}

  take(cls: LimitClass): Promise<void> {
    let b = this.buckets.get(cls);
    if (b === undefined) {
      b = new Bucket(this.limits[cls]);
      this.buckets.set(cls, b);
    }
    return b.take();
  }
}
