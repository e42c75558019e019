import { afterEach, describe, expect, it, vi } from 'vitest';
import { Decimal } from 'decimal.js';
import { ClobClient, Side, SignatureTypeV2, type TickSize } from '@polymarket/clob-client-v2';
import { recoverTypedDataAddress, type Hex } from 'viem';
import { OrderRejectedError } from '../../ports/execution.js';
import { orderSigner, POLYGON_CHAIN_ID, walletFromKey } from './client.js';
import { signOrder } from './execution.js';
import { FastOrderSigner } from './fast-signer.js';
import { asV2, exchangeFor, orderHash, ORDER_TYPES_V2 } from './signing.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ADDRESS = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const FUNDER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const TOKENS = ['71321045679252212594626385532706912750332728571942532289631379312455583992563', '1234567890123456789', '52114319501245915516055106046884209969926127482827954674443846427813813222426'];
const TICKS: readonly TickSize[] = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'];

/** Seeded, so a failure names an order that can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sdkClient(funder?: string): ClobClient {
  const client = new ClobClient({
    host: 'http://127.0.0.1:1',
    chain: POLYGON_CHAIN_ID,
    signer: walletFromKey(KEY),
    throwOnError: true,
    ...(funder !== undefined ? { funderAddress: funder, signatureType: SignatureTypeV2.POLY_GNOSIS_SAFE } : {}),
  });
  // The SDK checks the given tick against the market's even when one is given: prime its cache (no request).
  for (const t of TOKENS) client.tickSizes[t] = '0.0001';
  return client;
}

interface Case {
  tokenId: string;
  price: number;
  size: number;
  side: 'BUY' | 'SELL';
  tickSize: TickSize;
  negRisk: boolean;
  version: 2 | 3;
}

function randomCase(rnd: () => number, i: number): Case {
  const tickSize = TICKS[i % TICKS.length] ?? '0.01';
  const tick = new Decimal(tickSize);
  const steps = new Decimal(1).div(tick).minus(1).toNumber();
  let price = tick.times(1 + Math.floor(rnd() * steps)).toNumber();
  // Some prices off the tick grid and some sizes with more than 2 decimals: the SDK rounds both.
  if (i % 11 === 0) price = Math.min(1 - tick.toNumber(), price + tick.toNumber() / 3);
  const decimals = i % 13 === 0 ? 4 : Math.floor(rnd() * 3);
  const size = Math.floor((5 + rnd() * 5000) * 10 ** decimals) / 10 ** decimals;
  return {
    tokenId: TOKENS[i % TOKENS.length] ?? '1',
    price,
    size,
    side: rnd() < 0.5 ? 'BUY' : 'SELL',
    tickSize,
    negRisk: rnd() < 0.5,
    version: i % 5 === 0 ? 3 : 2,
  };
}

/** Runs fn with Date.now and Math.random fixed, the only inputs of the SDK's timestamp and salt. */
async function frozen<T>(now: number, random: number, fn: () => Promise<T> | T): Promise<T> {
  const n = vi.spyOn(Date, 'now').mockReturnValue(now);
  const r = vi.spyOn(Math, 'random').mockReturnValue(random);
  try {
    return await fn();
  } finally {
    n.mockRestore();
    r.mockRestore();
  }
}

async function expectSameAsSdk(client: ClobClient, fast: FastOrderSigner, c: Case, now: number, random: number): Promise<void> {
  const sdk = await frozen(now, random, () =>
    client.createOrder({ tokenID: c.tokenId, price: c.price, size: c.size, side: c.side === 'BUY' ? Side.BUY : Side.SELL }, { tickSize: c.tickSize, negRisk: c.negRisk, version: c.version }),
  );
  const mine = await frozen(now, random, () => fast.sign(c));
  // Same values and the same key order: the stored JSON and the posted body are byte-identical.
  expect(JSON.stringify(mine.order), JSON.stringify(c)).toBe(JSON.stringify(sdk));
  expect(mine.hash).toBe(orderHash(asV2(sdk), c.version, c.negRisk, POLYGON_CHAIN_ID));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('FastOrderSigner', () => {
  it('signs byte-identically to the SDK createOrder for random orders (sides, ticks, neg-risk, V2/V3)', async () => {
    const client = sdkClient();
    const fast = orderSigner(KEY);
    const rnd = prng(42);
    for (let i = 0; i < 240; i++) {
      await expectSameAsSdk(client, fast, randomCase(rnd, i), 1_700_000_000_000 + Math.floor(rnd() * 1e10), rnd());
    }
  }, 60_000);

  it('signs byte-identically to the SDK for a Gnosis-safe funder (maker = funder, signatureType 2)', async () => {
    const client = sdkClient(FUNDER);
    const fast = orderSigner(KEY, FUNDER);
    const rnd = prng(7);
    for (let i = 0; i < 30; i++) {
      await expectSameAsSdk(client, fast, randomCase(rnd, i), 1_750_000_000_000 + i, rnd());
    }
    const { order } = fast.sign({ tokenId: TOKENS[0] ?? '', price: 0.5, size: 10, side: 'BUY', tickSize: '0.01', negRisk: false, version: 2 });
    expect(asV2(order)).toMatchObject({ maker: FUNDER, signer: ADDRESS, signatureType: SignatureTypeV2.POLY_GNOSIS_SAFE });
  }, 30_000);

  it('reproduces the polymarket-v2.md vector orderID with an injected salt and clock, and the signature recovers to the key', async () => {
    const fast = new FastOrderSigner({ privateKey: KEY, chainId: POLYGON_CHAIN_ID, now: () => 1_700_000_000_000 });
    const { order, hash } = fast.sign({ tokenId: '1234567890123456789', price: 0.4, size: 10, side: 'BUY', tickSize: '0.01', negRisk: false, version: 2 }, '12345');
    const v2 = asV2(order);
    expect(v2).toMatchObject({ salt: '12345', maker: ADDRESS, signer: ADDRESS, makerAmount: '4000000', takerAmount: '10000000', side: 'BUY', timestamp: '1700000000000', expiration: '0' });
    expect(hash).toBe('0xfdf5350350f8c180e585d32de6eccbb35359b0505ce32c28de79972e1f1db04f');
    const recovered = await recoverTypedDataAddress({
      domain: { name: 'Polymarket CTF Exchange', version: '2', chainId: POLYGON_CHAIN_ID, verifyingContract: exchangeFor(2, false, POLYGON_CHAIN_ID) },
      types: ORDER_TYPES_V2,
      primaryType: 'Order',
      message: {
        salt: 12345n,
        maker: ADDRESS,
        signer: ADDRESS,
        tokenId: 1234567890123456789n,
        makerAmount: 4_000_000n,
        takerAmount: 10_000_000n,
        side: 0,
        signatureType: 0,
        timestamp: 1_700_000_000_000n,
        metadata: `0x${'0'.repeat(64)}`,
        builder: `0x${'0'.repeat(64)}`,
      },
      signature: v2.signature as Hex,
    });
    expect(recovered).toBe(ADDRESS);
  });

  it('uses the injected salt generator, and the neg-risk exchange changes the orderID', () => {
    let n = 0;
    const fast = new FastOrderSigner({ privateKey: KEY, chainId: POLYGON_CHAIN_ID, generateSalt: () => String(++n), now: () => 1 });
    const args = { tokenId: '1', price: 0.5, size: 10, side: 'SELL', tickSize: '0.01', negRisk: false, version: 2 } as const;
    const a = fast.sign(args);
    const b = fast.sign(args, '1');
    const c = fast.sign({ ...args, negRisk: true }, '1');
    expect([asV2(a.order).salt, asV2(b.order).salt]).toEqual(['1', '1']);
    expect(b).toEqual(a);
    expect(c.hash).not.toBe(a.hash);
    expect(c.hash).toBe(orderHash(asV2(c.order), 2, true, POLYGON_CHAIN_ID));
  });

  it('refuses what the SDK refuses: a price outside (tick, 1 - tick), POLY_1271, a malformed token id', () => {
    const fast = orderSigner(KEY);
    const base = { tokenId: '1', size: 10, side: 'BUY', tickSize: '0.01', negRisk: false, version: 2 } as const;
    expect(() => fast.sign({ ...base, price: 0.995 })).toThrow('invalid price (0.995), min: 0.01 - max: 0.99');
    expect(() => fast.sign({ ...base, price: 0.005 })).toThrow('invalid price');
    expect(() => fast.sign({ ...base, price: 0.5, tokenId: '0x12' })).toThrow('tokenId is not a uint256');
    expect(() => new FastOrderSigner({ privateKey: KEY, chainId: POLYGON_CHAIN_ID, signatureType: SignatureTypeV2.POLY_1271 })).toThrow('POLY_1271');
  });
});

describe('signOrder (the adapter path)', () => {
  const order = { tokenId: TOKENS[0] ?? '', side: 'BUY', price: new Decimal('0.57'), size: new Decimal('19.99'), tick: new Decimal('0.01'), negRisk: false, version: 2, clientOrderId: 'c1' } as const;

  it('returns the signed order with its orderID and exact amounts', () => {
    const { signed, hash } = signOrder(orderSigner(KEY), sdkClient(), order);
    const v2 = asV2(signed);
    expect([v2.makerAmount, v2.takerAmount]).toEqual(['11394300', '19990000']);
    expect(hash).toBe(orderHash(v2, 2, false, POLYGON_CHAIN_ID));
  });

  it('rejects a tick below the market tick the SDK has cached, as the SDK does', () => {
    const client = sdkClient();
    client.tickSizes[order.tokenId] = '0.1';
    expect(() => signOrder(orderSigner(KEY), client, order)).toThrow(OrderRejectedError);
    expect(() => signOrder(orderSigner(KEY), client, order)).toThrow('minimum for the market is 0.1');
  });
});
