/** Shared setup for the OKX adapter tests: an in-process simulator and an adapter pointed at it. */
import { pino } from 'pino';
import { startSimulator, type RunningSimulator, type OkxVenueOptions } from '@trading/exchange-sim';
import { OkxAdapter, type OkxAdapterOptions } from '../../src/exchanges/okx/adapter.js';

export async function startOkxSim(seed: number, okx: OkxVenueOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ seed, polymarket: false, okx: { tickMs: 25, ...okx } });
}

export function okxAdapterFor(sim: RunningSimulator, extra: Partial<OkxAdapterOptions> = {}): OkxAdapter {
  return new OkxAdapter({
    endpoints: {
      restUrl: sim.url,
      wsPublicUrl: `${sim.wsUrl}/ws/v5/public`,
      wsPrivateUrl: `${sim.wsUrl}/ws/v5/private`,
      wsBusinessUrl: `${sim.wsUrl}/ws/v5/business`,
    },
    credentials: { okx: { apiKey: sim.okx.defaultKey.apiKey, secret: sim.okx.defaultKey.secret, passphrase: sim.okx.defaultKey.passphrase } },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    requestTimeoutMs: 2000,
    reconnect: { baseMs: 50, maxMs: 500 },
    ...extra,
  });
}

/** Polls until `check` returns a value (not undefined/false) or the timeout passes. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
