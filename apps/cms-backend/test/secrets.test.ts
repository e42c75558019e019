/**
 * No secret in any response or log line: plain credentials, their sealed blob, passwords and tokens are grepped
 * for in every response body and in the captured logs (debug level, request logging on) of a whole session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptCredentials } from '../src/crypto/credentials.js';
import { login, registerEngine, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
const PK = '0xPRIVATEKEY5ec12e7aaaabbbbccccddddeeeeffff00001111';
const OKX = { apiKey: 'okx-APIKEY-5ec12e7', secret: 'okx-SECRET-5ec12e7', passphrase: 'okx-PASS-5ec12e7' };
const bodies: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ logLevel: 'debug', services: true, workers: true });
});
afterAll(async () => {
  await t.close();
});

describe('secrets', () => {
  it('never appear in responses, logs or the database in clear', async () => {
    const { token, refreshToken } = await login(t.app);
    const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      bodies.push(res.body);
      return res;
    };
    const pm = await call('POST', '/api/wallets', { name: 'pm', exchange: 'polymarket', credentials: { proxyAddress: '0x' + 'b'.repeat(40), privateKey: PK } });
    expect(pm.statusCode).toBe(201);
    const okx = await call('POST', '/api/wallets', { name: 'okx', exchange: 'okx', credentials: OKX });
    expect(okx.json()).toMatchObject({ credentialKeys: ['apiKey', 'secret', 'passphrase'] });
    const walletId = pm.json<{ walletId: string }>().walletId;
    await call('GET', `/api/wallets/${walletId}`);
    await call('GET', '/api/wallets');
    // A live bot: the start-bot command carries the sealed blob to the engine, never the clear key.
    await registerEngine(t.ctx, 'te-s', ['polymarket']);
    const bot = await call('POST', '/api/bots', { name: 'live', exchange: 'polymarket', strategy: 'market-making', walletId, mode: 'live', config: { spread: 0.01, orderSize: 1 }, riskLimits: { maxDailyLoss: 1, maxDrawdown: 1, maxPositionSize: 1 } });
    const started = await call('POST', `/api/bots/${bot.json<{ botId: string }>().botId}/start`);
    expect(started.statusCode).toBe(202);
    await call('GET', '/api/audit');
    await call('POST', '/api/wallets', { name: 'bad', exchange: 'okx', credentials: { apiKey: OKX.apiKey } }); // 422 must not echo it
    await call('POST', '/api/auth/logout', { refreshToken });

    const [stored] = await t.ctx.db.query<{ encrypted_credentials: string }>('SELECT encrypted_credentials FROM wallets WHERE wallet_id = $1', [walletId]);
    const blob = stored?.encrypted_credentials ?? '';
    expect(decryptCredentials(blob, [t.config.encryptionKey])).toEqual({ privateKey: PK });
    const dump = JSON.stringify(await t.ctx.db.query('SELECT * FROM wallets')) + JSON.stringify(await t.ctx.db.query('SELECT * FROM audit_log'));
    for (const secret of [PK, OKX.apiKey, OKX.secret, OKX.passphrase]) expect(dump).not.toContain(secret);

    const logs = t.logs.text();
    expect(logs.length).toBeGreaterThan(1000); // request logging really was on
    for (const secret of [PK, OKX.apiKey, OKX.secret, OKX.passphrase, blob, 'your-password', token, refreshToken]) {
      expect(logs).not.toContain(secret);
    }
    for (const body of bodies) for (const secret of [PK, OKX.apiKey, OKX.secret, OKX.passphrase, blob]) expect(body).not.toContain(secret);
  });

  it('pino redaction covers credentials logged by mistake', () => {
    const before = t.logs.lines.length;
    t.ctx.log.info({ credentials: { privateKey: PK }, bot: { encryptedCredentials: 'aes256gcm:zz' }, password: 'p4ss' }, 'oops');
    const line = t.logs.lines.slice(before).join('');
    expect(line).toContain('oops');
    expect(line).not.toContain(PK);
    expect(line).not.toContain('aes256gcm:zz');
    expect(line).not.toContain('p4ss');
  });
});
