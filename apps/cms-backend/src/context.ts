/** What services need, built once in app.ts (the composition root) and passed explicitly. */
import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { AppConfig } from './config/env.js';
import type { Database } from './db/client.js';
import type { AuthCache } from './services/auth/auth-cache.js';
import type { ResponseCache } from './services/cache/response-cache.js';
import type { CommandBus } from './services/engines/command-bus.js';

export interface AppContext {
  config: AppConfig;
  db: Database;
  redis: Redis;
  commands: CommandBus;
  log: FastifyBaseLogger;
  /** List response cache of an API instance (null in the separate worker process, which only publishes). */
  cache: ResponseCache | null;
  /** Verified-token cache and revocation set of an API instance (null in the worker process). */
  auth: AuthCache | null;
  /** Prefixes a Redis key or BullMQ queue name with this deployment's REDIS_PREFIX. */
  key(name: string): string;
}
