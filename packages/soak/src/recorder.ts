/**
 * The soak's own subscriber of the engines' realtime events (`<prefix>:te:*`): one of the two views of the engine
 * ledger (the other is what the workers persisted). ioredis reconnects and re-subscribes by itself after the Redis
 * fault; what was published while it was away is found in the persisted view instead.
 */
import { Redis } from 'ioredis';
import { validate, type EngineEvent } from '@trading/shared-types';

export class EventRecorder {
  readonly events = new Map<string, EngineEvent>();
  invalid = 0;
  private readonly redis: Redis;

  constructor(redisUrl: string, prefix: string) {
    this.redis = new Redis(redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: () => 100,
      lazyConnect: true,
    });
    this.redis.on('error', () => {
      // Expected during the Redis fault; ioredis keeps retrying.
    });
    this.redis.on('pmessage', (_pattern: string, _channel: string, message: string) => {
      this.onMessage(message);
    });
    this.pattern = `${prefix}:te:*`;
  }

  private readonly pattern: string;

  async start(): Promise<void> {
    await this.redis.connect();
    await this.redis.psubscribe(this.pattern);
  }

  private onMessage(message: string): void {
    let data: unknown;
    try {
      data = JSON.parse(message);
    } catch {
      this.invalid++;
      return;
    }
    const result = validate('EngineEvent', data);
    if (!result.ok) {
      this.invalid++;
      return;
    }
    this.events.set(result.value.eventId, result.value);
  }

  list(): EngineEvent[] {
    return [...this.events.values()];
  }

  close(): void {
    this.redis.disconnect();
  }
}
