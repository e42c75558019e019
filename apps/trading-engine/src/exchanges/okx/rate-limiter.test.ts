import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('RateLimiter', () => {
  it('lets `limit` requests through per window and holds the next one until the window slides', async () => {
    vi.useFakeTimers();
    const limiter = new RateLimiter({ 'trade/order': { limit: 2, windowMs: 2000 } }, () => Date.now());
    const passed: number[] = [];
    for (let i = 0; i < 3; i++) void limiter.acquire('trade/order').then(() => passed.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(passed).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(1999);
    expect(passed).toEqual([0, 1]);
    await vi.advanceTimersByTimeAsync(2);
    expect(passed).toEqual([0, 1, 2]);
  });

  it('does not pace endpoints without a published limit', async () => {
    const limiter = new RateLimiter({});
    let done = 0;
    await Promise.all(Array.from({ length: 100 }, () => limiter.acquire('unknown').then(() => done++)));
    expect(done).toBe(100);
  });
});
