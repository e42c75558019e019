/**
 * Test helpers: build and sign V2 orders and L1/L2 headers with viem exactly as the SDK does, so the simulator's
 * own tests can exercise signature checks without the engine's SDK dependency.
 */
import { Decimal } from 'decimal.js';
import type { LocalAccount } from 'viem';
import { CLOB_AUTH_MESSAGE, CLOB_AUTH_TYPES, ORDER_TYPES_V2, POLYGON_CHAIN_ID } from './constants.js';
import { hmacSignature } from './auth.js';
import { orderDomain, orderMessage, type SignedOrderJson } from './order-payload.js';

const ZERO32 = `0x${'0'.repeat(64)}`;

export async function signOrder(
  account: LocalAccount,
  o: { tokenId: string; side: 'BUY' | 'SELL'; price: string; size: string; negRisk?: boolean; version?: number; salt?: number; expiration?: string },
  chainId = POLYGON_CHAIN_ID,
): Promise<SignedOrderJson> {
  const shares = new Decimal(o.size).times(1_000_000);
  const notional = new Decimal(o.size).times(o.price).times(1_000_000);
  const order: SignedOrderJson = {
    salt: o.salt ?? Math.floor(Math.random() * 1e12),
    maker: account.address,
    signer: account.address,
    tokenId: o.tokenId,
    makerAmount: (o.side === 'BUY' ? notional : shares).toFixed(0),
    takerAmount: (o.side === 'BUY' ? shares : notional).toFixed(0),
    side: o.side,
    signatureType: 0,
    timestamp: String(Date.now()),
    expiration: o.expiration ?? '0',
    metadata: ZERO32,
    builder: ZERO32,
    signature: '0x',
  };
  const signature = await account.signTypedData({
    domain: orderDomain(o.version ?? 2, o.negRisk ?? false, chainId),
    types: ORDER_TYPES_V2,
    primaryType: 'Order',
    message: orderMessage(order),
  });
  return { ...order, signature };
}

export async function l1Headers(account: LocalAccount, timestamp: number, nonce = 0, chainId = POLYGON_CHAIN_ID): Promise<Record<string, string>> {
  const signature = await account.signTypedData({
    domain: { name: 'ClobAuthDomain', version: '1', chainId },
    types: CLOB_AUTH_TYPES,
    primaryType: 'ClobAuth',
    message: { address: account.address, timestamp: String(timestamp), nonce: BigInt(nonce), message: CLOB_AUTH_MESSAGE },
  });
  return { POLY_ADDRESS: account.address, POLY_SIGNATURE: signature, POLY_TIMESTAMP: String(timestamp), POLY_NONCE: String(nonce) };
}

export function l2Headers(
  creds: { apiKey: string; secret: string; passphrase: string },
  address: string,
  method: string,
  path: string,
  body = '',
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    POLY_ADDRESS: address,
    POLY_SIGNATURE: hmacSignature(creds.secret, String(timestamp), method, path, body),
    POLY_TIMESTAMP: String(timestamp),
    POLY_API_KEY: creds.apiKey,
    POLY_PASSPHRASE: creds.passphrase,
    'content-type': 'application/json',
  };
}
