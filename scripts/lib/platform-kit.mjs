// Shared by scripts/platform.mjs (`npm start`) and the fault soak (packages/soak): start a platform part as a
// child process in its own process group, wait for its health URL, stop process groups, call the backend's REST
// API, and the demo wallets/bots the launcher seeds. Node built-ins only (the launcher runs before any install).

import { spawn } from 'node:child_process';

/** True when `url` answers below 500 within a second. */
export async function healthy(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.status < 500;
  } catch {
    return false;
  }
}

/** Polls `url` every 500 ms for up to `seconds`; false when it never answered or `cancelled()` turned true. */
export async function waitHealthy(url, seconds, cancelled = () => false) {
  for (let i = 0; i < seconds * 2; i++) {
    if (cancelled()) return false;
    if (await healthy(url)) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/**
 * Starts `node <args>` detached (its own process group, so a stop reaches its children too).
 * `stdio` defaults to the launcher's own output.
 */
export function spawnPart({ root, args, cwd, env, stdio }) {
  return spawn(process.execPath, args, {
    cwd: cwd ?? root,
    env,
    stdio: stdio ?? ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
}

/** Sends `signal` to the process group of `child`; false when it is already gone. */
export function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

/** A JSON client of the backend's REST API at `api` (…/api); throws with the status and body on non-2xx. */
export function apiClient(api) {
  return async function call(method, path, token, body) {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return json;
  };
}

/** Placeholder Polymarket credentials of the demo paper wallets (an Anvil test key; paper bots never use them). */
export const DEMO_POLYMARKET_CREDENTIALS = {
  proxyAddress: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  privateKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
};

/** Risk limits of the demo OKX bots. */
export const DEMO_RISK_LIMITS = { maxDailyLoss: 500, maxDrawdown: 25, maxPositionSize: 50, maxOrdersPerMinute: 120 };

/**
 * Bot specs (POST /bots bodies) of the demo: OKX market making and grid around `last`, Polymarket market making
 * on `market` (its YES token) when there is one. `name` prefixes every bot name.
 */
export function demoBotSpecs({ prefix, okxWalletId, pmWalletId, last, market, mode = 'paper' }) {
  const yes = market?.tokens?.find((t) => t.outcome === 'YES');
  const specs = [
    {
      name: `${prefix}-okx-market-making`, exchange: 'okx', strategy: 'market-making', walletId: okxWalletId, mode,
      config: { spreadBps: 10, orderSize: 1, levels: 2 }, exchangeConfig: { instId: 'BTC-USDT-SWAP' }, riskLimits: DEMO_RISK_LIMITS,
    },
    {
      name: `${prefix}-okx-grid`, exchange: 'okx', strategy: 'grid', walletId: okxWalletId, mode,
      config: { lowerPrice: Math.round(last * 0.98), upperPrice: Math.round(last * 1.02), gridCount: 10, orderSize: 1 },
      exchangeConfig: { instId: 'BTC-USDT-SWAP' }, riskLimits: DEMO_RISK_LIMITS,
    },
  ];
  if (market && yes) {
    specs.push({
      name: `${prefix}-polymarket-market-making`, exchange: 'polymarket', strategy: 'market-making', walletId: pmWalletId, mode,
      config: { spread: 0.03, orderSize: 10 }, exchangeConfig: { marketId: market.marketId, tokenId: yes.tokenId },
      riskLimits: { maxDailyLoss: 50, maxDrawdown: 10, maxPositionSize: 200 },
    });
  }
  return specs;
}
