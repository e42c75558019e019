/**
 * Connection options for Redis shared by the services (CMS backend, trading engine): either a URL or a Sentinel
 * list + master name. Returns a plain object shaped like ioredis' RedisOptions (structurally typed, so this
 * package does not depend on ioredis); with sentinels, ioredis asks them for the current master and follows a
 * failover on reconnect.
 */

export interface SentinelAddress {
  host: string;
  port: number;
}

export interface RedisConnectionSettings {
  /** redis:// or rediss:// URL; with sentinels only its username/password/db/tls are used. */
  url: string;
  sentinels?: SentinelAddress[] | null;
  /** Master name the sentinels monitor (REDIS_SENTINEL_MASTER). */
  sentinelName?: string | null;
  /** Overrides the URL's password (and is also sent to the sentinels). */
  password?: string | undefined;
}

export interface RedisConnectionOptions {
  host?: string;
  port?: number;
  db?: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  sentinels?: SentinelAddress[];
  name?: string;
  sentinelPassword?: string;
}

/** The format of REDIS_SENTINELS: `host:port[,host:port…]`. */
export const SENTINEL_LIST_PATTERN = /^(\s*[^\s,:]+:\d{1,5}\s*)(,\s*[^\s,:]+:\d{1,5}\s*)*$/;

/** Parses `host:port,host:port`; throws naming the bad entry. */
export function parseSentinels(list: string): SentinelAddress[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.lastIndexOf(':');
      const host = entry.slice(0, colon);
      const port = Number(entry.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`invalid sentinel address "${entry}": expected host:port`);
      return { host, port };
    });
}

export function redisConnectionOptions(settings: RedisConnectionSettings): RedisConnectionOptions {
  const url = new URL(settings.url);
  const dbPath = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  const db = Number.isInteger(dbPath) ? dbPath : 0;
  const password = settings.password ?? (url.password !== '' ? decodeURIComponent(url.password) : undefined);
  const auth = {
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  if (settings.sentinels && settings.sentinels.length > 0) {
    if (!settings.sentinelName) throw new Error('a sentinel master name is required with sentinels');
    return {
      ...auth,
      db,
      sentinels: settings.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: settings.sentinelName,
      ...(password !== undefined ? { sentinelPassword: password } : {}),
    };
  }
  return { ...auth, host: url.hostname, port: url.port === '' ? 6379 : Number(url.port), db };
}
