/** Shared setup for the Polymarket adapter tests: the in-process simulator and adapters pointed at it. */
import { startSimulator, type RunningSimulator } from '@trading/exchange-sim';
import { PolymarketAdapter, type PolymarketAdapterOptions } from '../../src/exchanges/polymarket/adapter.js';
import type { AdapterLogger } from '../../src/exchanges/polymarket/logger.js';

/** Anvil's well-known test keys (never funded anywhere real). */
export const KEY_A = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' as const;
export const ADDRESS_A = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const KEY_B = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a' as const;
export const ADDRESS_B = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';

export async function startPolymarketSim(seed: number): Promise<RunningSimulator> {
  return startSimulator({ seed, okx: { tickMs: 200 }, polymarket: { refreshMs: 100, mineDelayMs: 20, confirmDelayMs: 20 } });
}

export function endpoints(sim: RunningSimulator) {
  return {
    restUrl: `${sim.url}/polymarket`,
    wsPublicUrl: `${sim.wsUrl}/polymarket/ws/market`,
    wsPrivateUrl: `${sim.wsUrl}/polymarket/ws/user`,
  };
}

export interface CapturedLog extends AdapterLogger {
  lines: { level: string; msg: string; obj: object }[];
}

export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, msg: msg ?? '', obj });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

export function adapterFor(sim: RunningSimulator, key: `0x${string}` | null, extra: Partial<PolymarketAdapterOptions> = {}): PolymarketAdapter {
  return new PolymarketAdapter({
    endpoints: endpoints(sim),
    ...(key === null ? {} : { credentials: { polymarket: { privateKey: key } } }),
    logger: captureLog(),
    requestTimeoutMs: 1_000,
    minBackoffMs: 50,
    ...extra,
  });
}

export async function admin(sim: RunningSimulator, path: string, body: unknown = {}): Promise<unknown> {
  const r = await fetch(`${sim.url}/admin/polymarket${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`admin ${path} → ${String(r.status)} ${await r.text()}`);
  return r.json();
}

export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
