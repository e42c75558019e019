/**
 * External trading signals into the kernel: psubscribes the Redis channels `signals:<source>` (REDIS_CHANNELS
 * .signalPattern under the key prefix), validates every message as a TradingSignal and hands the valid ones on.
 * Invalid messages are dropped and reported to `onInvalid` (they never reach a strategy).
 */
import { REDIS_CHANNELS, validate, type TradingSignal } from '@trading/shared-types';
import { createRedis, KeySpace, type RedisSettings } from './redis-connection.js';

export interface SignalSubscriber {
  close(): Promise<void>;
}

export async function subscribeSignals(
  settings: RedisSettings,
  onSignal: (signal: TradingSignal) => void,
  onInvalid: (channel: string, problem: string) => void,
): Promise<SignalSubscriber> {
  const keys = new KeySpace(settings.redisPrefix);
  const sub = createRedis(settings, { enableOfflineQueue: true, maxRetriesPerRequest: null });
  sub.on('error', () => undefined);
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => {
    let raw: unknown;
    try {
      raw = JSON.parse(message);
    } catch {
      onInvalid(channel, 'not JSON');
      return;
    }
    const checked = validate('TradingSignal', raw);
    if (!checked.ok) {
      onInvalid(channel, checked.issues.map((issue) => issue.message).join('; '));
      return;
    }
    onSignal(checked.value);
  });
  await sub.psubscribe(keys.key(REDIS_CHANNELS.signalPattern));
  return {
    close: async () => {
      await sub.quit().catch(() => undefined);
    },
  };
}
