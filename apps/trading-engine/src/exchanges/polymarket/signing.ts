/**
 * V2 order hashing and the exact amounts an order must carry. The order hash (the venue's orderID) is known
 * before posting, which is what lets a timed-out placement be looked up on the venue.
 */
import { Decimal } from 'decimal.js';
import { Side, getContractConfig, isV2Order, type SignedOrder } from '@polymarket/clob-client-v2';
import { getAddress, hashTypedData, type Hex } from 'viem';

export const ORDER_TYPES_V2 = {
  Order: [
    { name: 'salt', type: 'uint256' },
    { name: 'maker', type: 'address' },
    { name: 'signer', type: 'address' },
    { name: 'tokenId', type: 'uint256' },
    { name: 'makerAmount', type: 'uint256' },
    { name: 'takerAmount', type: 'uint256' },
    { name: 'side', type: 'uint8' },
    { name: 'signatureType', type: 'uint8' },
    { name: 'timestamp', type: 'uint256' },
    { name: 'metadata', type: 'bytes32' },
    { name: 'builder', type: 'bytes32' },
  ],
} as const;

export interface V2OrderFields {
  salt: string | number;
  maker: string;
  signer: string;
  tokenId: string;
  makerAmount: string;
  takerAmount: string;
  side: string;
  signatureType: number;
  timestamp: string;
  metadata: string;
  builder: string;
}

export function exchangeFor(version: number, negRisk: boolean, chainId: number): `0x${string}` {
  const c = getContractConfig(chainId);
  const address = version === 3 ? c.exchangeV3 : negRisk ? c.negRiskExchangeV2 : c.exchangeV2;
  return getAddress(address);
}

/** orderID = EIP-712 hash of the signed V2 struct (expiration is not part of it). */
export function orderHash(order: V2OrderFields, version: number, negRisk: boolean, chainId: number): Hex {
  return hashTypedData({
    domain: { name: 'Polymarket CTF Exchange', version: String(version), chainId, verifyingContract: exchangeFor(version, negRisk, chainId) },
    types: ORDER_TYPES_V2,
    primaryType: 'Order',
    message: {
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
    },
  });
}

export function asV2(order: SignedOrder): V2OrderFields & { signature: string; expiration: string } {
  if (!isV2Order(order)) throw new Error('expected a V2 order from the SDK');
  return { ...order, side: order.side === Side.BUY ? 'BUY' : 'SELL', signatureType: order.signatureType };
}

/** BUY: maker = USDC = size·price, taker = shares; SELL the reverse; 6-dp integers. */
export function expectedAmounts(side: 'BUY' | 'SELL', price: Decimal, size: Decimal): { makerAmount: string; takerAmount: string } {
  const shares = size.times(1_000_000).toFixed(0, Decimal.ROUND_DOWN);
  const notional = size.times(price).times(1_000_000).toFixed(0, Decimal.ROUND_DOWN);
  return side === 'BUY' ? { makerAmount: notional, takerAmount: shares } : { makerAmount: shares, takerAmount: notional };
}
