// Types of platform-kit.mjs for the TypeScript callers (packages/soak).
import type { ChildProcess, StdioOptions } from 'node:child_process';

export function healthy(url: string): Promise<boolean>;
export function waitHealthy(url: string, seconds: number, cancelled?: () => boolean): Promise<boolean>;
export function spawnPart(options: { root: string; args: string[]; cwd?: string; env: NodeJS.ProcessEnv; stdio?: StdioOptions }): ChildProcess;
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean;
export function exited(child: ChildProcess): boolean;
export type ApiCall = (method: string, path: string, token: string | null, body?: unknown) => Promise<unknown>;
export function apiClient(api: string): ApiCall;
export const DEMO_POLYMARKET_CREDENTIALS: { proxyAddress: string; privateKey: string };
export const DEMO_RISK_LIMITS: Record<string, number>;
export interface DemoMarket {
  marketId: string;
  tokens?: { outcome: string; tokenId: string }[];
}
export interface DemoBotSpec {
  name: string;
  exchange: 'okx' | 'polymarket';
  strategy: string;
  walletId: string;
  mode: 'paper' | 'live';
  config: Record<string, unknown>;
  exchangeConfig: Record<string, unknown>;
  riskLimits: Record<string, number>;
}
export function demoBotSpecs(options: {
  prefix: string;
  okxWalletId: string;
  pmWalletId: string;
  last: number;
  market: DemoMarket | undefined;
  mode?: 'paper' | 'live';
}): DemoBotSpec[];
