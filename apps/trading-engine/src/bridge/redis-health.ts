/**
 * Redis health flag for fail-closed trading. Flips to down synchronously on a connection close/error event and when
 * a ping (every REDIS_PING_MS, timeout 2× that, at most 400 ms) fails; flips to up only after a ping answers. The
 * order gate reads `up` on every order, so the worst case from Redis loss to "no new orders" is one ping period +
 * one timeout, well under 1 s with the defaults.
 */
import type { Redis } from 'ioredis';

export type HealthListener = (up: boolean, reason: string) => void;

export class RedisHealth {
  private healthy = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;
  private readonly listeners: HealthListener[] = [];
  private readonly timeoutMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly pingMs: number,
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
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_resolve, reject) => {
          timeout = setTimeout(() => {
            reject(new Error(`ping timed out after ${String(this.timeoutMs)} ms`));
          }, this.timeoutMs);
        }),
      ]);
      this.set(true, 'ping answered');
    } catch (error) {
      this.set(false, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timeout);
      this.inFlight = false;
    }
    return this.healthy;
  }

  private set(up: boolean, reason: string): void {
    if (up === this.healthy) return;
    this.healthy = up;
    for (const listener of this.listeners) listener(up, reason);
  }
}
