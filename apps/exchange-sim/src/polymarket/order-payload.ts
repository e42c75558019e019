/**
 * V2 order intake: validates the POST /order JSON, rebuilds the EIP-712 Order exactly as the SDK signed it
 * (expiration is NOT part of the signed struct in V2), hashes it (orderID) and recovers the signer. Also derives
 * price and size from maker/taker amounts with exact decimals.
 */
import { Decimal } from 'decimal.js';
import { getAddress, hashTypedData, recoverTypedDataAddress, type Hex } from 'viem';
import { z } from 'zod';
import { AMOUNT_SCALE, ORDER_TYPES_V2, exchangeAddress } from './constants.js';

const uintString = z.string().regex(/^\d{1,78}$/);
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const signedOrderSchema = z.object({
  salt: z.union([z.number().int().nonnegative(), uintString]),
  maker: address,
  signer: address,
  tokenId: uintString,
  makerAmount: uintString,
  takerAmount: uintString,
  side: z.enum(['BUY', 'SELL']),
  signatureType: z.number().int().min(0).max(3),
  timestamp: uintString,
  expiration: uintString.default('0'),
  metadata: bytes32,
  builder: bytes32,
  signature: hex,
});

export const orderOrderTypes = ['GTC', 'GTD', 'FOK', 'FAK'] as const;
export type ClobOrderType = (typeof orderOrderTypes)[number];

export const postOrderSchema = z.object({
  order: signedOrderSchema,
  owner: z.string().min(1),
  orderType: z.enum(orderOrderTypes).default('GTC'),
  postOnly: z.boolean().default(false),
  deferExec: z.boolean().default(false),
});

export type SignedOrderJson = z.infer<typeof signedOrderSchema>;
export type PostOrderBody = z.infer<typeof postOrderSchema>;

export function orderMessage(order: SignedOrderJson) {
  return {
    salt: BigInt(order.salt),
    maker: getAddress(order.maker),
    signer: getAddress(order.signer),
    tokenId: BigInt(order.tokenId),
    makerAmount: BigInt(order.makerAmount),
    takerAmount: BigInt(order.takerAmount),
    side: order.side === 'BUY' ? 0 : 1,
    signatureType: order.signatureType,
    timestamp: BigInt(order.timestamp),
    metadata: order.metadata as Hex,
    builder: order.builder as Hex,
  };
}

export function orderDomain(version: number, negRisk: boolean, chainId: number) {
  return {
    name: 'Polymarket CTF Exchange',
    version: String(version),
    chainId,
    verifyingContract: exchangeAddress(version, negRisk, chainId),
  } as const;
}

/** orderID = EIP-712 hash of the signed struct. */
export function orderHash(order: SignedOrderJson, version: number, negRisk: boolean, chainId: number): Hex {
  return hashTypedData({
    domain: orderDomain(version, negRisk, chainId),
    types: ORDER_TYPES_V2,
    primaryType: 'Order',
    message: orderMessage(order),
  });
}

/** The address that produced `order.signature` under the given domain, or null when it is not a valid signature. */
export async function recoverOrderSigner(
  order: SignedOrderJson,
  version: number,
  negRisk: boolean,
  chainId: number,
): Promise<`0x${string}` | null> {
  // Only 65-byte ECDSA signatures are accepted (types 0/1/2); POLY_1271 deposit wallets are not simulated.
  if (order.signature.length !== 132) return null;
  try {
    return await recoverTypedDataAddress({
      domain: orderDomain(version, negRisk, chainId),
      types: ORDER_TYPES_V2,
      primaryType: 'Order',
      message: orderMessage(order),
      signature: order.signature as Hex,
    });
  } catch {
    return null;
  }
}

/** BUY: price = maker/taker, size = taker; SELL: price = taker/maker, size = maker (6-dp integers). */
export function priceAndSize(order: Pick<SignedOrderJson, 'side' | 'makerAmount' | 'takerAmount'>): { price: Decimal; size: Decimal } | null {
  const maker = new Decimal(order.makerAmount);
  const taker = new Decimal(order.takerAmount);
  if (maker.isZero() || taker.isZero()) return null;
  return order.side === 'BUY'
    ? { price: maker.div(taker), size: taker.div(AMOUNT_SCALE) }
    : { price: taker.div(maker), size: maker.div(AMOUNT_SCALE) };
}
