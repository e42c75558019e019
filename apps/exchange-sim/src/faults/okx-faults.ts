/** Fault switches of the simulated OKX venue, armed through the admin API or the in-process handle. */
export class OkxFaults {
  /** Answer the next N REST requests with HTTP 429 / 50011. */
  rateLimitNext = 0;
  /** Accept the next order, then answer after `delayMs` (null = never). */
  timeoutNextOrder: { delayMs: number | null } | null = null;
  /** `${channel}` or `${channel}:${instId}` → epoch ms until which pushes are suppressed. */
  private readonly stalls = new Map<string, number>();

  stall(channel: string, instId: string | undefined, until: number): void {
    this.stalls.set(instId === undefined ? channel : `${channel}:${instId}`, until);
  }

  isStalled(channel: string, instId: string | undefined, now: number): boolean {
    const a = this.stalls.get(channel);
    const b = instId === undefined ? undefined : this.stalls.get(`${channel}:${instId}`);
    return (a !== undefined && a > now) || (b !== undefined && b > now);
  }

  takeRateLimit(): boolean {
    if (this.rateLimitNext <= 0) return false;
    this.rateLimitNext--;
    return true;
  }

  clear(): void {
    this.rateLimitNext = 0;
    this.timeoutNextOrder = null;
    this.stalls.clear();
  }
}
