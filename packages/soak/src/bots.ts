/**
 * The soak's bots, created and started through the backend's REST API like `npm start` seeds its demo bots
 * (scripts/lib/platform-kit.mjs): paper bots cycle through the demo specs; live bots are OKX market makers, each on
 * its own simulator account (so the simulator's per-account ledger is the bot's), with a wallet holding that
 * account's API key — credentials the simulator accepts.
 */
import { apiClient, demoBotSpecs, DEMO_POLYMARKET_CREDENTIALS, type ApiCall, type DemoMarket } from '../../../scripts/lib/platform-kit.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './platform.js';

export interface SoakBot {
  botId: string;
  name: string;
  mode: 'paper' | 'live';
  /** The simulator account of a live bot. */
  apiKey: string | null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new Error(`backend answer: ${field} is not a string`);
  return value;
}

export class BackendClient {
  private readonly call: ApiCall;
  private token: string | null = null;

  constructor(apiUrl: string) {
    this.call = apiClient(apiUrl);
  }

  async login(): Promise<void> {
    const answer = record(await this.call('POST', '/auth/login', null, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }));
    this.token = str(answer.token, 'token');
  }

  request(method: string, path: string, body?: unknown): Promise<unknown> {
    return this.call(method, path, this.token, body);
  }

  async bots(): Promise<{ botId: string; name: string; status: string; statusReason: string | null }[]> {
    const out: { botId: string; name: string; status: string; statusReason: string | null }[] = [];
    for (let page = 1; page <= 10; page++) {
      const answer = record(await this.request('GET', `/bots?limit=100&page=${page}`));
      const data = Array.isArray(answer.data) ? answer.data.map(record) : [];
      for (const bot of data) {
        out.push({ botId: str(bot.botId, 'botId'), name: str(bot.name, 'name'), status: str(bot.status, 'status'), statusReason: typeof bot.statusReason === 'string' ? bot.statusReason : null });
      }
      if (data.length < 100) break;
    }
    return out;
  }
}

export interface SeedOptions {
  simUrl: string;
  paper: number;
  live: number;
}

export async function createBots(backend: BackendClient, options: SeedOptions): Promise<SoakBot[]> {
  const ticker = record(await (await fetch(`${options.simUrl}/api/v5/market/ticker?instId=BTC-USDT-SWAP`)).json());
  const first = Array.isArray(ticker.data) ? record(ticker.data[0]) : {};
  const last = Number(typeof first.last === 'string' ? first.last : '95000');
  const okxWallet = record(
    await backend.request('POST', '/wallets', { name: 'soak-okx-paper', exchange: 'okx', credentials: { apiKey: 'paper-key', secret: 'paper-secret', passphrase: 'paper-passphrase' } }),
  );
  const pmWallet = record(await backend.request('POST', '/wallets', { name: 'soak-polymarket-paper', exchange: 'polymarket', credentials: DEMO_POLYMARKET_CREDENTIALS }));
  const marketsAnswer = record(await backend.request('GET', '/exchanges/polymarket/markets'));
  const markets = (Array.isArray(marketsAnswer.data) ? marketsAnswer.data : []) as DemoMarket[];
  const bots: SoakBot[] = [];
  for (let i = 0; i < options.paper; i++) {
    const specs = demoBotSpecs({
      prefix: `soak-p${String(i).padStart(2, '0')}`,
      okxWalletId: str(okxWallet.walletId, 'walletId'),
      pmWalletId: str(pmWallet.walletId, 'walletId'),
      last,
      market: markets.length > 0 ? markets[i % markets.length] : undefined,
    });
    const spec = specs[i % specs.length] ?? specs[0];
    const created = record(await backend.request('POST', '/bots', spec));
    bots.push({ botId: str(created.botId, 'botId'), name: str(created.name, 'name'), mode: 'paper', apiKey: null });
  }
  for (let i = 0; i < options.live; i++) {
    const key = { apiKey: `soak-live-${i}`, secret: `soak-live-secret-${i}`, passphrase: `soak-live-pass-${i}` };
    const added = await fetch(`${options.simUrl}/admin/okx/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...key, balances: { USDT: '100000', BTC: '1' } }),
    });
    if (!added.ok) throw new Error(`simulator refused account ${key.apiKey}: HTTP ${added.status}`);
    const wallet = record(await backend.request('POST', '/wallets', { name: `soak-live-${i}`, exchange: 'okx', credentials: key }));
    const [spec] = demoBotSpecs({ prefix: `soak-live${i}`, okxWalletId: str(wallet.walletId, 'walletId'), pmWalletId: '', last, market: undefined, mode: 'live' });
    if (!spec) throw new Error('no OKX demo spec');
    const created = record(await backend.request('POST', '/bots', spec));
    bots.push({ botId: str(created.botId, 'botId'), name: str(created.name, 'name'), mode: 'live', apiKey: key.apiKey });
  }
  return bots;
}

/** Starts every bot; returns the start errors by bot id (the backend refuses synchronously only bad requests). */
export async function startBots(backend: BackendClient, bots: SoakBot[], batch: { size: number; pauseMs: number }): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  for (const [i, bot] of bots.entries()) {
    // The backend places a start on the least-loaded engine as the registry last reported it (once a heartbeat), so
    // a burst of starts all lands on one engine; a pause of a heartbeat between batches spreads them.
    if (i > 0 && i % batch.size === 0) await new Promise((r) => setTimeout(r, batch.pauseMs));
    try {
      await backend.request('POST', `/bots/${bot.botId}/start`);
    } catch (error) {
      errors.set(bot.botId, error instanceof Error ? error.message : String(error));
    }
  }
  return errors;
}

export async function stopBots(backend: BackendClient, bots: SoakBot[]): Promise<Map<string, string>> {
  const errors = new Map<string, string>();
  for (const bot of bots) {
    try {
      await backend.request('POST', `/bots/${bot.botId}/stop`);
    } catch (error) {
      errors.set(bot.botId, error instanceof Error ? error.message : String(error));
    }
  }
  return errors;
}
