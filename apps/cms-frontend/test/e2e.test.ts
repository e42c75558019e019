/**
 * End-to-end in a real browser (playwright-core driving Debian's /usr/bin/chromium) against the real backend,
 * PostgreSQL, Redis and the trading-engine service: log in, add a wallet, create a paper market-making bot in
 * the UI, start it, watch its orders (and fills, when the engine emits them) arrive live without a reload, stop
 * it; a viewer sees no mutating buttons; the exchange selector filters. Screenshots of every page go to
 * test-output/screenshots/. It prints (never asserts) the event → DOM latency it observed.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, FRONTEND_DIR, startStack, type Stack } from './stack.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(FRONTEND_DIR, '..', '..', 'test-output', 'screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`e2e skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

interface Login {
  token: string;
}

async function login(page: Page, webUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${webUrl}/login`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/overview/, { timeout: 60_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

describe.skipIf(!hasChromium)('dashboard in a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  let adminToken: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stack = await startStack();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    adminToken = (await api<Login>(stack.apiUrl, null, 'POST', '/api/auth/login', { email: stack.adminEmail, password: stack.adminPassword })).token;
    // The engine must be in the registry before a bot is started (else the start waits in STARTING for one).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const engines = await api<{ data: { engineId: string; status: string }[] }>(stack.apiUrl, adminToken, 'GET', '/api/engines');
      if (engines.data.some((e) => e.engineId === stack.engineId && e.status === 'online')) break;
      if (Date.now() > deadline) throw new Error(`engine ${stack.engineId} never registered`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 180_000);

  afterAll(async () => {
    await browser.close().catch(() => undefined);
    await stack.stop();
  }, 60_000);

  it('shows a clear error for a wrong password', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.webUrl}/login`);
    await page.fill('#email', stack.adminEmail);
    await page.fill('#password', 'wrong-password');
    await page.click('button[type=submit]');
    await expect.poll(async () => page.textContent('#login-error'), { timeout: 30_000 }).toContain('Invalid email or password');
    await shot(page, '01-login-error');
    await page.close();
  }, 60_000);

  it('admin: wallet, paper bot, start, live orders, stop; pages render; selector filters', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (e) => { console.error('page error:', e.message); });
    await login(page, stack.webUrl, stack.adminEmail, stack.adminPassword);
    await page.waitForSelector('[data-testid=kpi-equity]');
    await shot(page, '02-overview');

    // Wallet: the secret is typed once and never shown afterwards.
    await page.goto(`${stack.webUrl}/wallets`);
    await page.click('[data-testid=add-wallet]');
    await page.fill('#w-name', 'okx-paper');
    await page.fill('#w-apiKey', 'key-123');
    await page.fill('#w-secret', 'super-secret-value');
    await page.fill('#w-passphrase', 'pass-phrase');
    await page.click('[data-testid=save-wallet]');
    await page.waitForSelector('[data-testid=wallets-table] >> text=okx-paper');
    expect(await page.content()).not.toContain('super-secret-value');
    await shot(page, '03-wallets');

    // Create a paper market-making bot through the form.
    await page.goto(`${stack.webUrl}/bots/new`);
    await page.selectOption('#exchange', 'okx');
    await page.selectOption('#strategy', 'market-making');
    await page.selectOption('#wallet', { label: 'okx-paper' });
    await page.selectOption('#mode', 'paper');
    await page.fill('#name', 'e2e-mm');
    await page.fill('#risk-maxDailyLoss', '-5');
    await expect.poll(async () => page.textContent('form')).toContain('must be greater than 0');
    await page.fill('#risk-maxDailyLoss', 'ten');
    await expect.poll(async () => page.textContent('form')).toContain('must be a decimal number');
    await page.fill('#risk-maxDailyLoss', '50');
    // The strategy's own form, generated from its JSON Schema (when the backend serves one).
    if ((await page.locator('#cfg-orderSize').count()) > 0) {
      await page.fill('#cfg-orderSize', '0');
      await expect.poll(async () => page.textContent('form')).toContain('must be greater than 0');
      await page.fill('#cfg-orderSize', '0.01');
    }
    if ((await page.locator('#cfg-instrumentId').count()) > 0) await page.fill('#cfg-instrumentId', 'okx:BTC-USDT-SWAP');
    if ((await page.locator('#cfg-spreadBps').count()) > 0) await page.fill('#cfg-spreadBps', '10');
    await shot(page, '04-create-bot');
    await page.click('[data-testid=submit-bot]');
    await page.waitForURL(/\/bots\/(?!new$)[^/]+$/, { timeout: 60_000 });
    const botId = page.url().split('/').pop() ?? '';
    await expect.poll(async () => page.textContent('[data-testid=bot-state]'), { timeout: 30_000 }).toBe('IDLE');

    // Record, in the page, when each order/fill row first appears and how old its event was then.
    await page.evaluate(() => {
      const w = window as unknown as { __lat: { kind: string; ms: number }[] };
      w.__lat = [];
      const seen = new Set<string>();
      new MutationObserver(() => {
        for (const el of document.querySelectorAll<HTMLElement>('[data-order-ts],[data-fill-ts]')) {
          const key = el.dataset.orderId ?? el.dataset.fillId ?? '';
          if (seen.has(key)) continue;
          seen.add(key);
          const ts = Number(el.dataset.orderTs ?? el.dataset.fillTs);
          w.__lat.push({ kind: el.dataset.fillId !== undefined ? 'fill' : 'order', ms: Date.now() - ts });
        }
      }).observe(document.body, { childList: true, subtree: true });
    });

    // Start: no reload from here on; state and orders must arrive over the socket.
    await page.click('[data-action=start]');
    await expect.poll(async () => page.textContent('[data-testid=bot-state]'), { timeout: 45_000 }).toBe('RUNNING');
    await page.waitForSelector('[data-testid=open-orders-table] [data-order-id]', { timeout: 30_000 });
    // Fills: manual market orders on the running bot (same risk checks, paper-filled against the simulator's book)
    // must show up as fill rows and move the PnL card, live, without a reload.
    const pnlBefore = await page.textContent('[data-testid=bot-pnl]');
    for (const side of ['BUY', 'SELL', 'BUY']) {
      await api(stack.apiUrl, adminToken, 'POST', '/api/orders', {
        botId: page.url().split('/').pop() ?? '',
        instrumentId: 'okx:BTC-USDT-SWAP',
        side,
        type: 'MARKET',
        quantity: '0.01',
      });
      await page.waitForTimeout(300);
    }
    await page.click('[role=tab]:has-text("Fills")');
    await page.waitForSelector('[data-testid=fills-table] [data-fill-id]', { timeout: 30_000 });
    await expect.poll(async () => page.textContent('[data-testid=bot-pnl]'), { timeout: 30_000 }).not.toBe(pnlBefore);
    await shot(page, '06-bot-fills');
    await page.click('[role=tab]:has-text("Position")');
    await shot(page, '05-bot-running');
    await page.click('[role=tab]:has-text("Fills")');
    const samples = await page.evaluate(() => (window as unknown as { __lat: { kind: string; ms: number }[] }).__lat);
    const orders = samples.filter((s) => s.kind === 'order').map((s) => s.ms).sort((a, b) => a - b);
    const fills = samples.filter((s) => s.kind === 'fill').map((s) => s.ms).sort((a, b) => a - b);
    console.log(`event→DOM latency: orders n=${orders.length} p50=${percentile(orders, 50)} ms p99=${percentile(orders, 99)} ms; fills n=${fills.length} p50=${percentile(fills, 50)} ms p99=${percentile(fills, 99)} ms`);
    expect(orders.length).toBeGreaterThan(1);
    expect(fills.length).toBeGreaterThan(0);

    await page.click('[role=tab]:has-text("Position")');
    await page.click('[data-action=stop]');
    await expect.poll(async () => page.textContent('[data-testid=bot-state]'), { timeout: 30_000 }).toBe('STOPPED');
    await page.click('text=Config');
    await shot(page, '07-bot-stopped-config');

    // A Polymarket bot too (through the API), so the selector has something to filter.
    const pmWallet = await api<{ walletId: string }>(stack.apiUrl, adminToken, 'POST', '/api/wallets', { name: 'pm-paper', exchange: 'polymarket', credentials: { privateKey: '0xabc' } });
    await api(stack.apiUrl, adminToken, 'POST', '/api/bots', { name: 'e2e-pm', exchange: 'polymarket', strategy: 'market-making', mode: 'paper', walletId: pmWallet.walletId, config: { orderSize: '5', spread: '0.02' }, riskLimits: { maxDailyLoss: '10', maxDrawdown: 10, maxPositionSize: '100' } });
    await page.goto(`${stack.webUrl}/bots`);
    await page.waitForSelector(`[data-bot-id="${botId}"]`);
    await page.waitForSelector('text=e2e-pm');
    await shot(page, '08-bots-all');
    await page.click('[data-testid=exchange-polymarket]');
    await page.waitForSelector(`[data-bot-id="${botId}"]`, { state: 'detached' });
    await page.waitForSelector('text=e2e-pm');
    await page.click('[data-testid=exchange-okx]');
    await page.waitForSelector(`[data-bot-id="${botId}"]`);
    expect(await page.locator('text=e2e-pm').count()).toBe(0);
    await page.click('[data-testid=exchange-all]');

    for (const [path, name] of [['/orders', '09-orders'], ['/trades', '10-trades'], ['/stats', '11-stats'], ['/engines', '12-engines'], ['/backtests', '13-backtests'], ['/users', '14-users'], ['/overview', '15-overview-after']] as const) {
      await page.goto(`${stack.webUrl}${path}`);
      await page.waitForSelector('h1');
      await shot(page, name);
    }
    await page.goto(`${stack.webUrl}/orders`);
    await page.waitForSelector('[data-testid=orders-table] tbody tr:not(:has(td[colspan]))');
    await page.goto(`${stack.webUrl}/engines`);
    await page.waitForSelector(`text=${stack.engineId}`);
    await page.close();
  }, 170_000);

  it('viewer: sees data but no mutating buttons', async () => {
    await api(stack.apiUrl, adminToken, 'POST', '/api/users', { email: 'viewer@example.com', password: 'viewer-pass-1', role: 'viewer', allowedExchanges: ['okx', 'polymarket'] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login(page, stack.webUrl, 'viewer@example.com', 'viewer-pass-1');
    await page.goto(`${stack.webUrl}/bots`);
    await page.waitForSelector('text=e2e-mm');
    expect(await page.locator('[data-testid=create-bot]').count()).toBe(0);
    expect(await page.locator('[data-testid=bot-actions]').count()).toBe(0);
    await page.click('text=e2e-mm');
    await page.waitForSelector('[data-testid=bot-state]');
    expect(await page.locator('[data-action]').count()).toBe(0);
    await shot(page, '16-viewer-bot');
    await page.goto(`${stack.webUrl}/wallets`);
    await page.waitForSelector('text=okx-paper');
    expect(await page.locator('[data-testid=add-wallet]').count()).toBe(0);
    await page.close();
  }, 90_000);
});
