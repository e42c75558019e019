import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the defaults', () => {
    const config = loadConfig({ ENGINE_ID: 'te-1' });
    expect(config).toMatchObject({
      engineId: 'te-1',
      port: 3010,
      redisUrl: 'redis://127.0.0.1:6379',
      sentinel: null,
      supportedExchanges: ['okx', 'polymarket'],
      autoResumeAfterRedis: false,
      logLevel: 'info',
      eventReplayWindowMs: 10_000,
      eventReplayMax: 20_000,
      redisPingFailures: 2,
      paperQueue: { model: 'power', exponent: 2 },
    });
    expect(config.endpoints.okxRestUrl).toBe('http://127.0.0.1:8100');
    expect(loadConfig({ ENGINE_ID: 'te-1', PAPER_QUEUE_MODEL: 'ahead' }).paperQueue.model).toBe('ahead');
  });

  it('names the variable of every bad value', () => {
    const found = problems({
      ENGINE_ID: 'bad id!',
      CAPACITY: '-1',
      SUPPORTED_EXCHANGES: 'okx,binance',
      LOG_LEVEL: 'loud',
      OKX_WS_PUBLIC_URL: 'http://x',
      ENCRYPTION_KEY: 'abc',
      EVENT_REPLAY_WINDOW_MS: '-5',
      REDIS_PING_FAILURES: '0',
      PAPER_QUEUE_MODEL: 'fifo',
    });
    for (const name of [
      'ENGINE_ID',
      'CAPACITY',
      'SUPPORTED_EXCHANGES',
      'LOG_LEVEL',
      'OKX_WS_PUBLIC_URL',
      'ENCRYPTION_KEY',
      'EVENT_REPLAY_WINDOW_MS',
      'REDIS_PING_FAILURES',
      'PAPER_QUEUE_MODEL',
    ]) {
      expect(
        found.some((problem) => problem.startsWith(name)),
        `${name} in ${found.join(' | ')}`,
      ).toBe(true);
    }
  });

  it('reads a Sentinel list with its master name, and requires the name', () => {
    const config = loadConfig({
      REDIS_SENTINELS: '10.0.0.3:26379, 10.0.0.4:26379',
      REDIS_SENTINEL_MASTER: 'trading-master',
      REDIS_PASSWORD: 'pw',
    });
    expect(config.sentinel).toEqual({
      name: 'trading-master',
      sentinels: [
        { host: '10.0.0.3', port: 26379 },
        { host: '10.0.0.4', port: 26379 },
      ],
    });
    expect(problems({ REDIS_SENTINELS: '10.0.0.3:26379' })[0]).toMatch(/^REDIS_SENTINEL_MASTER/);
  });

  it('keeps leases no longer than the engine TTL and the heartbeat at most half of it', () => {
    expect(problems({ LEASE_TTL_MS: '20000', ENGINE_TTL_MS: '10000' })[0]).toMatch(/^LEASE_TTL_MS/);
    expect(problems({ HEARTBEAT_MS: '6000', ENGINE_TTL_MS: '10000' })[0]).toMatch(/^HEARTBEAT_MS/);
  });

  it('parses the auto-resume flag and a single-exchange engine', () => {
    const config = loadConfig({ AUTO_RESUME_AFTER_REDIS: 'true', SUPPORTED_EXCHANGES: 'okx' });
    expect(config.autoResumeAfterRedis).toBe(true);
    expect(config.supportedExchanges).toEqual(['okx']);
  });

  it('builds the key ring like the CMS: current key, then ENCRYPTION_KEYS_PREVIOUS; demo key only outside production', () => {
    const current = 'A'.repeat(64);
    const old = 'b'.repeat(64);
    expect(
      loadConfig({ ENCRYPTION_KEY: current, ENCRYPTION_KEYS_PREVIOUS: ` ${old}, ${'C'.repeat(64)}` }).encryptionKeys,
    ).toEqual(['a'.repeat(64), old, 'c'.repeat(64)]);
    const demo = loadConfig({});
    expect(demo.encryptionKeys).toEqual(['0'.repeat(64)]);
    expect(demo.demoEncryptionKey).toBe(true);
    const prod = loadConfig({ NODE_ENV: 'production', ENCRYPTION_KEYS_PREVIOUS: old });
    expect(prod.encryptionKeys).toEqual([old]);
    expect(prod.demoEncryptionKey).toBe(false);
    expect(problems({ ENCRYPTION_KEYS_PREVIOUS: `${old},xyz` })[0]).toMatch(/^ENCRYPTION_KEYS_PREVIOUS/);
  });
});
