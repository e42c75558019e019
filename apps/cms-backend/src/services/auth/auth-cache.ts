/**
 * Per-instance auth state that keeps Redis and the JWT verifier off the request path:
 *  - verified access tokens (token string → principal) until the token's exp, so a token's HMAC and claims are
 *    checked once, not per request;
 *  - the set of revoked access-token ids, loaded from the Redis denylist when the subscription starts and kept
 *    current from the token-revoked channel (logout on any instance publishes there).
 * The revocation set is only trusted while `live` (subscribed); otherwise callers check the denylist in Redis
 * per request, as before, so a revocation published during a subscription gap is never missed.
 */
import type { Principal } from './principal.js';

export class AuthCache {
  private readonly verified = new Map<string, Principal>();
  /** jti → when its denylist entry ends (ms); after that the token has expired anyway. */
  private readonly revoked = new Map<string, number>();
  private liveFlag = false;

  constructor(
    private readonly maxTokens = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  get live(): boolean {
    return this.liveFlag;
  }

  setLive(live: boolean): void {
    this.liveFlag = live;
  }

  principal(token: string): Principal | undefined {
    const p = this.verified.get(token);
    if (p === undefined) return undefined;
    if (p.exp * 1000 <= this.now()) {
      this.verified.delete(token);
      return undefined;
    }
    return p;
  }

  remember(token: string, principal: Principal): void {
    if (this.verified.size >= this.maxTokens) this.verified.clear();
    this.verified.set(token, principal);
  }

  revoke(jti: string, untilMs: number): void {
    this.revoked.set(jti, untilMs);
  }

  isRevoked(jti: string): boolean {
    const until = this.revoked.get(jti);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.revoked.delete(jti);
      return false;
    }
    return true;
  }

  /** Adds a load of the denylist (after (re)subscribing); merged, so messages received meanwhile are kept. */
  addRevoked(entries: Iterable<readonly [string, number]>): void {
    for (const [jti, until] of entries) this.revoked.set(jti, Math.max(until, this.revoked.get(jti) ?? 0));
  }
}
