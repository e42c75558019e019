import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

describe('loadConfig', () => {
  it('uses the offline demo defaults and says which', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3001);
    expect(config.adminEmail).toBe('admin@example.com');
    expect(config.demoDefaults).toEqual(['JWT_SECRET', 'ENCRYPTION_KEY', 'ADMIN_PASSWORD']);
    expect(config.databaseUrl).toBeUndefined();
  });
  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ ENCRYPTION_KEY: 'short' })).toThrow(ConfigError);
    try {
      loadConfig({ ENCRYPTION_KEY: 'short', REDIS_URL: 'nope' });
    } catch (error) {
      expect((error as ConfigError).variables.sort()).toEqual(['ENCRYPTION_KEY', 'REDIS_URL']);
    }
  });
  it('takes a Sentinel list and master name together, or neither', () => {
    expect(loadConfig({}).redisSentinel).toBeNull();
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379, s2:26380', REDIS_SENTINEL_MASTER: 'mymaster' }).redisSentinel).toEqual({
      name: 'mymaster',
      sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }],
    });
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:26379' })).toThrow(/REDIS_SENTINEL_MASTER/);
    expect(() => loadConfig({ REDIS_SENTINEL_MASTER: 'mymaster' })).toThrow(/REDIS_SENTINELS/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_MASTER: 'm' })).toThrow(/REDIS_SENTINELS.*host:port/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:70000', REDIS_SENTINEL_MASTER: 'm' })).toThrow(/REDIS_SENTINELS/);
  });
  it('requires real secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET.*ENCRYPTION_KEY.*ADMIN_PASSWORD/);
  });
});
