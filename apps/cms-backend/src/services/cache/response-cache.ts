/**
 * Read-through cache of serialised list responses (the JSON string as sent), so a dashboard polling a list does
 * not cost a PostgreSQL round trip, drizzle's SQL build and row mapping per request.
 *
 * Correctness rules (docs/api.md "Response cache"):
 *  - The key is resource + route + params + the validated, key-sorted query + the caller's authorisation scope
 *    (role and visible exchanges): two callers share an entry only when they would get the same answer.
 *  - Entries are dropped per resource on every write through the API of this instance and on every
 *    invalidation message (ingestion workers, other instances) received on Redis; max age RESPONSE_CACHE_MS
 *    bounds what neither sees (manual SQL).
 *  - A miss that was reading while an invalidation arrived does not store its (maybe stale) answer: each
 *    resource has a generation counter, captured before the read and compared before storing.
 *  - The cache is only used while `enabled` (the invalidation subscriber is connected and subscribed); when it
 *    is not, every request goes to the database, so a missed invalidation can never serve stale data.
 */

/** Resources whose lists are cached, named after their tables. */
export const CACHED_RESOURCES = ['bots', 'orders', 'fills', 'positions'] as const;
export type CachedResource = (typeof CACHED_RESOURCES)[number];

export function isCachedResource(name: string): name is CachedResource {
  return (CACHED_RESOURCES as readonly string[]).includes(name);
}

interface Entry {
  body: string;
  storedAt: number;
  /** The generation of each resource the body was read from; any change since makes the entry invalid. */
  deps: readonly (readonly [CachedResource, number])[];
}

export interface CacheStats {
  hits: number;
  misses: number;
  bypassed: number;
  invalidations: number;
}

export type Generations = readonly (readonly [CachedResource, number])[];

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly gens = new Map<CachedResource, number>();
  private live = false;
  private readonly invalidationListeners = new Set<(resources: readonly CachedResource[]) => void>();
  private readonly liveListeners = new Set<(live: boolean) => void>();
  readonly stats: CacheStats = { hits: 0, misses: 0, bypassed: 0, invalidations: 0 };

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when lookups may be served: a max age above 0 and a live invalidation subscription. */
  get enabled(): boolean {
    return this.live && this.maxAgeMs > 0;
  }

  /** Called by the invalidation subscriber: false on disconnect (drops everything), true once re-subscribed. */
  setLive(live: boolean): void {
    // Both ways a new epoch: entries and in-flight misses from before a loss, or read while invalidations
    // could not arrive, are never stored or served.
    this.invalidate(CACHED_RESOURCES);
    this.entries.clear();
    const changed = this.live !== live;
    this.live = live;
    if (changed) for (const listener of this.liveListeners) listener(live);
  }

  /** Read before computing a miss and handed back to set(). */
  generations(resources: readonly CachedResource[]): Generations {
    return resources.map((r) => [r, this.gens.get(r) ?? 0] as const);
  }

  get(key: string): string | undefined {
    if (!this.enabled) {
      this.stats.bypassed += 1;
      return undefined;
    }
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.stats.misses += 1;
      return undefined;
    }
    if (this.now() - entry.storedAt >= this.maxAgeMs || !this.current(entry.deps)) {
      this.entries.delete(key);
      this.stats.misses += 1;
      return undefined;
    }
    this.stats.hits += 1;
    return entry.body;
  }

  /**
   * Stores unless a resource was invalidated since `deps` was read (the body may predate that write), or the
   * subscription dropped meanwhile. `storedAt` is when the read started: the max age counts from there.
   */
  set(key: string, body: string, deps: Generations, storedAt: number): void {
    if (!this.enabled || !this.current(deps)) return;
    // A crude bound: dashboards use a handful of distinct queries; a scan of unique URLs must not grow memory.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { body, storedAt, deps });
  }

  invalidate(resources: readonly CachedResource[]): void {
    if (resources.length === 0) return;
    for (const r of resources) this.gens.set(r, (this.gens.get(r) ?? 0) + 1);
    this.stats.invalidations += 1;
    for (const listener of this.invalidationListeners) listener(resources);
  }

  /** Observability and tests: called after each invalidation is applied. */
  onInvalidate(listener: (resources: readonly CachedResource[]) => void): () => void {
    this.invalidationListeners.add(listener);
    return () => this.invalidationListeners.delete(listener);
  }

  /** Observability and tests: called when the cache turns on (subscribed) or off (subscription lost). */
  onLiveChange(listener: (live: boolean) => void): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  /** Whether no resource of `deps` was invalidated since they were read. */
  isCurrent(deps: Generations): boolean {
    return this.current(deps);
  }

  private current(deps: Generations): boolean {
    for (const [r, gen] of deps) if ((this.gens.get(r) ?? 0) !== gen) return false;
    return true;
  }
}
