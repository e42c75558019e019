import { describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { orderHash, priceAndSize, recoverOrderSigner, type SignedOrderJson } from './order-payload.js';
import { signOrder } from './testing.js';

const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const ZERO32 = `0x${'0'.repeat(64)}`;

describe('V2 EIP-712 order (polymarket-v2.md §6 vector)', () => {
  const vector: SignedOrderJson = {
    salt: 12345,
    maker: account.address,
    signer: account.address,
    tokenId: '1234567890123456789',
    makerAmount: '4000000',
    takerAmount: '10000000',
    side: 'BUY',
    signatureType: 0,
    timestamp: '1700000000000',
    expiration: '0',
    metadata: ZERO32,
    builder: ZERO32,
    signature:
      '0xa59f8dd0704a65dda7b2077254eda87fd8841f3d9578389d8ac0f8a733c3231e54853d92b662bbb321e2911e0ff3519c7b6b9bf947957de39fd11356874540861c',
  };

  it('hashes to the vector orderID and recovers the signer', async () => {
    expect(orderHash(vector, 2, false, 137)).toBe('0xfdf5350350f8c180e585d32de6eccbb35359b0505ce32c28de79972e1f1db04f');
    expect(await recoverOrderSigner(vector, 2, false, 137)).toBe(account.address);
  });

  it('expiration is not signed; every signed field is', async () => {
    expect(await recoverOrderSigner({ ...vector, expiration: '1800000000' }, 2, false, 137)).toBe(account.address);
    expect(await recoverOrderSigner({ ...vector, takerAmount: '10000001' }, 2, false, 137)).not.toBe(account.address);
    expect(await recoverOrderSigner(vector, 2, true, 137)).not.toBe(account.address);
    expect(await recoverOrderSigner({ ...vector, signature: '0x1234' }, 2, false, 137)).toBeNull();
  });

  it('signs the same vector with viem', async () => {
    const signed = await signOrder(account, { tokenId: '1234567890123456789', side: 'BUY', price: '0.4', size: '10', salt: 12345 });
    expect(await recoverOrderSigner(signed, 2, false, 137)).toBe(account.address);
  });
});

describe('price and size from amounts (§7 table)', () => {
  it.each([
    ['BUY', '4000000', '10000000', '0.4', '10'],
    ['SELL', '7120000', '3951600', '0.555', '7.12'],
    ['BUY', '11394300', '19990000', '0.57', '19.99'],
    ['BUY', '750000', '100000000', '0.0075', '100'],
    ['SELL', '12340000', '4812600', '0.39', '12.34'],
  ] as const)('%s %s/%s → %s × %s', (side, makerAmount, takerAmount, price, size) => {
    const r = priceAndSize({ side, makerAmount, takerAmount });
    expect(r?.price.toString()).toBe(price);
    expect(r?.size.toString()).toBe(size);
  });
});
