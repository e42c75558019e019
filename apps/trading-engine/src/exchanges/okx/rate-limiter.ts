/**
 * Client-side request pacing per endpoint key (sliding window), so the adapter stays inside OKX's published
 * limits instead of discovering them through 50011 rejections.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly limits: Readonly<Record<string, { limit: number; windowMs: number }>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when a request on `key` may be sent (immediately when under the limit). */
  async acquire(key: string): Promise<void> {
    const rule = this.limits[key];
    if (!rule) return;
    for (;;) {
      const t = this.now();
      let stamps = this.windows.get(key);
      if (!stamps) {
        stamps = [];
        this.windows.set(key, stamps);
      }
      while (stamps.length > 0 && (stamps[0] ?? 0) <= t - rule.windowMs) stamps.shift();
      if (stamps.length < rule.limit) {
        stamps.push(t);
        return;
      }
      const wait = (stamps[0] ?? t) + rule.windowMs - t;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }
}
