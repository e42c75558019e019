import { describe, expect, it } from 'vitest';
import { parseSentinels, redisConnectionOptions } from './redis-options.js';

describe('redisConnectionOptions', () => {
  it('maps a URL to host, port, db, credentials and TLS', () => {
    expect(redisConnectionOptions({ url: 'redis://127.0.0.1:6379' })).toEqual({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(redisConnectionOptions({ url: 'rediss://user:p%40ss@cache.internal/3' })).toEqual({
      host: 'cache.internal', port: 6379, db: 3, username: 'user', password: 'p@ss', tls: {},
    });
    expect(redisConnectionOptions({ url: 'redis://:a@h:1', password: 'override' }).password).toBe('override');
  });

  it('with sentinels asks them for the named master and sends the password to both', () => {
    const options = redisConnectionOptions({ url: 'redis://:pw@ignored:1/2', sentinels: [{ host: 's1', port: 26379 }], sentinelName: 'mymaster' });
    expect(options).toEqual({ sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', db: 2, password: 'pw', sentinelPassword: 'pw' });
    expect(options.host).toBeUndefined();
    expect(() => redisConnectionOptions({ url: 'redis://h', sentinels: [{ host: 's1', port: 1 }] })).toThrow(/master name/);
  });

  it('parses host:port lists and names a bad entry', () => {
    expect(parseSentinels(' a:1, b.example:26380 ')).toEqual([{ host: 'a', port: 1 }, { host: 'b.example', port: 26380 }]);
    expect(() => parseSentinels('a:1,b')).toThrow(/"b"/);
    expect(() => parseSentinels('a:0')).toThrow(/"a:0"/);
  });
});
