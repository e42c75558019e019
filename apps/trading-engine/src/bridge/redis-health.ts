/**
 * Redis health flag for fail-closed trading. Flips to down synchronously on a connection close/error event, and
 * when `failuresToTrip` consecutive pings (every REDIS_PING_MS, timeout 2× that, at most 400 ms) go unanswered —
 * after a failed ping the next one is sent at once. Flips to up only after a ping answers.
 *
 * Why two pings (REDIS_PING_FAILURES=2): on a CPU-starved host one ping timer can fire before the event loop read
 * an answer that was already there, and a single late ping closed the gate with no Redis fault (docs/reliability.md
 * finding 8). The trade-off: a Redis that dies *silently* (no socket close — a network partition, a frozen process)
 * is noticed after one ping period + two timeouts (≤ 200 + 2 × 400 = 1 000 ms with the defaults instead of
 * ≤ 600 ms). A crashed Redis or a broken connection closes the socket, and that event closes the gate at once.
 */
import type { Redis } from 'ioredis';

export type HealthListener = (up: boolean, reason: string) => void;

export class RedisHealth {
  private healthy = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private readonly listeners: HealthListener[] = [];
  private readonly timeoutMs: number;
  private failures = 0;
  private readonly failureListeners: ((consecutive: number) => void)[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly pingMs: number,
    private readonly failuresToTrip = 2,
  ) {
    this.timeoutMs = Math.min(400, pingMs * 2);
    const down = (reason: string) => () => {
      this.set(false, reason);
    };
    redis.on('close', down('connection closed'));
    redis.on('end', down('connection ended'));
    redis.on('error', (error: Error) => {
      this.set(false, `connection error: ${error.message}`);
    });
  }

  get up(): boolean {
    return this.healthy;
  }

  onChange(listener: HealthListener): void {
    this.listeners.push(listener);
  }

  /** Called after every unanswered ping with the number of consecutive failures (tests, metrics). */
  onPingFailure(listener: (consecutive: number) => void): void {
    this.failureListeners.push(listener);
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.probe();
    }, this.pingMs);
    void this.probe();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One ping; resolves to the health after it. */
  async probe(): Promise<boolean> {
    if (this.inFlight) return this.healthy;
    this.inFlight = true;
    let timeout: NodeJS.Timeout | undefined;
    let retry = false;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_resolve, reject) => {
          timeout = setTimeout(() => {
            reject(new Error(`ping timed out after ${String(this.timeoutMs)} ms`));
          }, this.timeoutMs);
        }),
      ]);
      this.failures = 0;
      this.set(true, 'ping answered');
    } catch (error) {
      this.failures += 1;
      for (const listener of this.failureListeners) listener(this.failures);
      if (this.failures >= this.failuresToTrip || !this.healthy) {
        const message = error instanceof Error ? error.message : String(error);
        this.set(false, `${String(this.failures)} consecutive pings failed (${message})`);
      } else {
        retry = this.timer !== null; // confirm at once instead of waiting a period
      }
    } finally {
      clearTimeout(timeout);
      this.inFlight = false;
    }
    if (retry) return this.probe();
    return this.healthy;
  }

  private set(up: boolean, reason: string): void {
    if (up === this.healthy) return;
    this.healthy = up;
    for (const listener of this.listeners) listener(up, reason);
  }
}
