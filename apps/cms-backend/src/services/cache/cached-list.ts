/**
 * Route-side use of the response cache: builds the key (route, params, validated query, caller scope), serves
 * the stored JSON string on a hit, and on a miss runs the handler, serialises once and stores the string.
 * Concurrent misses of one key share a single read (single flight): when an entry expires under load, one query
 * goes to PostgreSQL instead of one per waiting connection. The `x-cache` header says hit / miss / shared /
 * bypass (cache off or subscription down).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { visibleExchanges, type Principal } from '../auth/principal.js';
import type { CachedResource, Generations, ResponseCache } from './response-cache.js';

/** Reads in progress per cache (per app instance) and key. */
const flights = new WeakMap<ResponseCache, Map<string, Flight>>();

/** Keys sorted, so ?a=1&b=2 and ?b=2&a=1 share an entry; values are the validated strings. */
function normalise(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  let out = '';
  for (const k of Object.keys(record).sort()) {
    const v = record[k];
    if (v !== undefined) out += `${k}=${JSON.stringify(v)}&`;
  }
  return out;
}

/**
 * The authorisation scope that decides what a list shows: role and visible exchanges (sorted). Callers with the
 * same scope see the same rows, so they may share an entry; anything narrower never matches a wider key.
 */
export function scopeKey(principal: Pick<Principal, 'role' | 'allowedExchanges'>): string {
  let key = scopeKeys.get(principal);
  if (key === undefined) {
    key = `${principal.role}:${[...visibleExchanges(principal)].sort().join(',')}`;
    scopeKeys.set(principal, key);
  }
  return key;
}
// Principals are cached per token (auth-cache.ts), so this is computed once per token, not per request.
const scopeKeys = new WeakMap<object, string>();

interface Flight {
  body: Promise<string>;
  deps: Generations;
}

export async function cachedList(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: Principal,
  resources: readonly CachedResource[],
  compute: () => Promise<unknown>,
): Promise<string> {
  void reply.type('application/json; charset=utf-8');
  const cache = ctx.cache;
  if (cache === null || !cache.enabled) {
    if (cache !== null) cache.stats.bypassed += 1;
    void reply.header('x-cache', 'bypass');
    return JSON.stringify(await compute());
  }
  const key = `${request.routeOptions.url ?? request.url}|${normalise(request.params)}|${normalise(request.query)}|${scopeKey(principal)}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    void reply.header('x-cache', 'hit');
    return hit;
  }
  let inFlight = flights.get(cache);
  if (inFlight === undefined) {
    inFlight = new Map();
    flights.set(cache, inFlight);
  }
  // Join a read that started after the last invalidation of these resources: it is as fresh as our own would be.
  const flight = inFlight.get(key);
  if (flight !== undefined && cache.isCurrent(flight.deps)) {
    void reply.header('x-cache', 'shared');
    return flight.body;
  }
  // Generations and time before the read: a write that commits during it invalidates what we are about to store.
  const deps = cache.generations(resources);
  const startedAt = Date.now();
  const body = compute().then((value) => JSON.stringify(value));
  const mine: Flight = { body, deps };
  inFlight.set(key, mine);
  const map = inFlight;
  try {
    const text = await body;
    cache.set(key, text, deps, startedAt);
    void reply.header('x-cache', 'miss');
    return text;
  } finally {
    if (map.get(key) === mine) map.delete(key);
  }
}
