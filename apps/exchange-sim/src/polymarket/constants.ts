/**
 * Polymarket CLOB V2 constants the simulator shares with the real venue: EIP-712 domains and types, tick sizes,
 * amount scale, pagination cursors and the venue's error texts (docs.polymarket.com error codes).
 */
import { Decimal } from 'decimal.js';

export const POLYGON_CHAIN_ID = 137;
export const AMOY_CHAIN_ID = 80002;

/** 6 decimals for pUSD collateral and CTF outcome tokens alike. */
export const AMOUNT_SCALE = new Decimal(1_000_000);

export const FIRST_CURSOR = 'MA==';
export const END_CURSOR = 'LTE=';

export const TICK_SIZES = ['0.1', '0.01', '0.005', '0.0025', '0.001', '0.0001'] as const;
export type TickSize = (typeof TICK_SIZES)[number];

export function isTickSize(value: string): value is TickSize {
  return (TICK_SIZES as readonly string[]).includes(value);
}

/** Exchange contracts by order version (polymarket-v2.md §6); V3 differs per chain. */
export function exchangeAddress(version: number, negRisk: boolean, chainId: number): `0x${string}` {
  if (version === 3) {
    return chainId === AMOY_CHAIN_ID
      ? '0x9fE6e61422AdB6F610d8597F9684b16912D50C3D'
      : '0xe3333700cA9d93003F00f0F71f8515005F6c00Aa';
  }
  return negRisk ? '0xe2222d279d744050d28e00520010520000310F59' : '0xE111180000d2663C0091e4f400237545B87B996B';
}

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

export const CLOB_AUTH_TYPES = {
  ClobAuth: [
    { name: 'address', type: 'address' },
    { name: 'timestamp', type: 'string' },
    { name: 'nonce', type: 'uint256' },
    { name: 'message', type: 'string' },
  ],
} as const;

export const CLOB_AUTH_MESSAGE = 'This message attests that I control the given wallet';

/** Error texts as the venue sends them in `{"error": …}` (the adapter maps them to codes). */
export const ERR = {
  unauthorized: 'Unauthorized/Invalid api key',
  invalidL1: 'Invalid L1 Request headers',
  cannotCreateKey: 'Could not create api key',
  noBook: 'No orderbook exists for the requested token id',
  badPayload: 'Invalid order payload',
  ownerMismatch: 'the order owner has to be the owner of the API KEY',
  invalidSignature: 'invalid signature',
  versionMismatch: 'order_version_mismatch',
  duplicated: 'INVALID_ORDER_DUPLICATED: order is duplicated',
  tick: 'INVALID_ORDER_MIN_TICK_SIZE: order price breaks the minimum tick size rule',
  minSize: 'INVALID_ORDER_MIN_SIZE: order size is lower than the minimum',
  balance: 'INVALID_ORDER_NOT_ENOUGH_BALANCE: not enough balance / allowance',
  expiration: 'INVALID_ORDER_EXPIRATION: invalid expiration',
  postOnlyType: 'INVALID_POST_ONLY_ORDER_TYPE: post-only is only allowed for GTC and GTD orders',
  postOnlyCross: 'INVALID_POST_ONLY_ORDER: invalid post-only order: order crosses book',
  fok: "FOK_ORDER_NOT_FILLED_ERROR: order couldn't be fully filled. FOK orders are fully filled or killed.",
  fak: 'FAK_ORDER_NOT_FILLED_ERROR: no orders found to match with FAK order',
  marketClosed: 'MARKET_NOT_READY: the market is not accepting orders',
  execution: 'EXECUTION_ERROR: could not run the execution',
  rateLimited: 'Too Many Requests',
} as const;
