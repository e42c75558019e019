/** Fault switches set through /admin/polymarket/... and consumed by the REST and WS layers. */
export interface PolymarketFaults {
  /** Next POST /order(s) is refused without being processed. */
  rejectNext: { status: number; error: string } | null;
  /** Next POST /order(s) is processed (accepted/matched) but no answer is sent; the socket is destroyed after holdMs. */
  timeoutNext: { holdMs: number } | null;
  /** This many next REST requests get 429. */
  rateLimitBurst: number;
}

export function noFaults(): PolymarketFaults {
  return { rejectNext: null, timeoutNext: null, rateLimitBurst: 0 };
}
