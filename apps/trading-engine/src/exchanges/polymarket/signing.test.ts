import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { ClobClient, Side, createL1Headers } from '@polymarket/clob-client-v2';
import { recoverTypedDataAddress } from 'viem';
import { POLYGON_CHAIN_ID, walletFromKey } from './client.js';
import { asV2, exchangeFor, expectedAmounts, orderHash, ORDER_TYPES_V2 } from './signing.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const ZERO32: `0x${string}` = `0x${'0'.repeat(64)}`;

describe('V2 signing against the polymarket-v2.md vectors', () => {
  it('L1 ClobAuth headers from the SDK match the vector', async () => {
    const h = await createL1Headers(walletFromKey(KEY), POLYGON_CHAIN_ID, 0, 1700000000);
    expect(h.POLY_ADDRESS).toBe(ADDRESS);
    expect(h.POLY_SIGNATURE).toBe(
      '0xa6eac9a1927262c9ea8ff8e59f701392c16873a714b0f976f1481df77b438a1829c5e7fc70854d68b320b4ca7beff251202adb8ff00ad00456eab408e3a95ce41c',
    );
  });

  it('the order hash of the vector order is the vector orderID', () => {
    const vector = {
      salt: '12345',
      maker: ADDRESS,
      signer: ADDRESS,
      tokenId: '1234567890123456789',
      makerAmount: '4000000',
      takerAmount: '10000000',
      side: 'BUY',
      signatureType: 0,
      timestamp: '1700000000000',
      metadata: ZERO32,
      builder: ZERO32,
    };
    expect(orderHash(vector, 2, false, 137)).toBe('0xfdf5350350f8c180e585d32de6eccbb35359b0505ce32c28de79972e1f1db04f');
    expect(exchangeFor(2, false, 137)).toBe('0xE111180000d2663C0091e4f400237545B87B996B');
    expect(exchangeFor(2, true, 137)).toBe('0xe2222d279d744050d28e00520010520000310F59');
  });

  it('an SDK-signed order (offline, version and tick given) recovers to the signer and carries exact amounts', async () => {
    const client = new ClobClient({ host: 'http://127.0.0.1:1', chain: POLYGON_CHAIN_ID, signer: walletFromKey(KEY), throwOnError: true });
    // The SDK checks the market tick even when one is given; prime its cache so no request is made.
    client.tickSizes['1234567890123456789'] = '0.01';
    const signed = asV2(await client.createOrder({ tokenID: '1234567890123456789', price: 0.57, size: 19.99, side: Side.BUY }, { tickSize: '0.01', negRisk: false, version: 2 }));
    expect([signed.makerAmount, signed.takerAmount]).toEqual(['11394300', '19990000']);
    expect(expectedAmounts('BUY', new Decimal('0.57'), new Decimal('19.99'))).toEqual({ makerAmount: '11394300', takerAmount: '19990000' });
    expect(expectedAmounts('SELL', new Decimal('0.555'), new Decimal('7.12'))).toEqual({ makerAmount: '7120000', takerAmount: '3951600' });
    const recovered = await recoverTypedDataAddress({
      domain: { name: 'Polymarket CTF Exchange', version: '2', chainId: 137, verifyingContract: exchangeFor(2, false, 137) },
      types: ORDER_TYPES_V2,
      primaryType: 'Order',
      message: {
        salt: BigInt(signed.salt),
        maker: ADDRESS,
        signer: ADDRESS,
        tokenId: BigInt(signed.tokenId),
        makerAmount: BigInt(signed.makerAmount),
        takerAmount: BigInt(signed.takerAmount),
        side: 0,
        signatureType: 0,
        timestamp: BigInt(signed.timestamp),
        metadata: ZERO32,
        builder: ZERO32,
      },
      signature: signed.signature as `0x${string}`,
    });
    expect(recovered).toBe(ADDRESS);
  });
});
