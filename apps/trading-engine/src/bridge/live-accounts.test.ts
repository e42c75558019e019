/** openCredentials: what a live bot's sealed blob and exchangeConfig become for its adapter. */
import { describe, expect, it } from 'vitest';
import { encryptCredentials } from '@trading/credentials';
import type { BotSpec } from '@trading/shared-types';
import { openCredentials } from './live-accounts.js';

const KEY = 'ab'.repeat(32);
const PRIVATE_KEY = `0x${'11'.repeat(32)}`;
const PROXY = `0x${'c'.repeat(40)}`;

function spec(fields: Record<string, string>, exchangeConfig: Record<string, unknown> = {}): BotSpec {
  return {
    botId: 'b1',
    name: 'live',
    exchange: 'polymarket',
    strategy: 'market-making',
    mode: 'live',
    config: {},
    exchangeConfig,
    riskLimits: { maxDailyLoss: '1', maxDrawdown: 1, maxPositionSize: '1' },
    walletId: 'w1',
    encryptedCredentials: encryptCredentials(fields, KEY),
  };
}

describe('openCredentials (Polymarket funder)', () => {
  it("takes the funder from the bot's exchangeConfig when the blob holds only the key (what the CMS sends for a proxy wallet)", () => {
    expect(openCredentials(spec({ privateKey: PRIVATE_KEY }, { funderAddress: PROXY }), [KEY]).polymarket?.funderAddress).toBe(PROXY);
    expect(openCredentials(spec({ privateKey: PRIVATE_KEY }), [KEY]).polymarket?.funderAddress).toBeUndefined();
  });

  it('prefers a funder sealed in the blob, and refuses one that is not an address', () => {
    const other = `0x${'d'.repeat(40)}`;
    expect(openCredentials(spec({ privateKey: PRIVATE_KEY, funderAddress: other }, { funderAddress: PROXY }), [KEY]).polymarket?.funderAddress).toBe(other);
    expect(() => openCredentials(spec({ privateKey: PRIVATE_KEY }, { funderAddress: '0xYourProxyAddress' }), [KEY])).toThrow(/funderAddress\/proxyAddress must be an address/);
  });
});
