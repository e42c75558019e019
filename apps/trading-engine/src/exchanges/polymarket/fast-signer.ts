/**
 * Builds and EIP-712 signs Polymarket V2/V3 orders without the SDK's per-order overhead, producing exactly the
 * SignedOrder that `ClobClient.createOrder` (viem local account) would: same rounding, amounts, salt and timestamp
 * rules, same field order, byte-identical RFC 6979 signature. What the SDK recomputes for every order (signer
 * address, domain separator, type hash, typed-data validation and re-encoding) is done once here; the digest is
 * assembled in a reused buffer and is itself the venue's orderID, so no second hash is needed; the signature is
 * @noble/curves' RFC 6979 secp256k1 signature (the library viem itself signs with), its HMAC fed by node's native
 * one. Curve arithmetic on the wallet key stays in that audited library: a faster hand-written k·G was measured
 * (~1.5× on the signature) and left out on purpose.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Side, SignatureTypeV2, getContractConfig, type SignedOrder, type TickSize } from '@polymarket/clob-client-v2';
import { getAddress, isAddress, parseUnits, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createHmac } from 'node:crypto';
import { ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';

function nodeHmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const digest = createHmac('sha256', key).update(message).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/** noble's secp256k1 ECDSA (low-s, RFC 6979) with node's HMAC-SHA256 for the nonce generator. */
const K1 = ecdsa(secp256k1.Point, sha256, { hmac: nodeHmac, lowS: true });

/** r ‖ s ‖ v (27 + recovery id), as Ethereum signatures are written. */
function signDigest(digest: Uint8Array, secret: Uint8Array): `0x${string}` {
  const recovered = K1.sign(digest, secret, { prehash: false, format: 'recovered' });
  const recovery = recovered[0] ?? 0;
  let hex = '0x';
  for (let i = 1; i < 65; i++) hex += (recovered[i] ?? 0).toString(16).padStart(2, '0');
  return `${hex}${recovery === 0 ? '1b' : '1c'}` as `0x${string}`;
}

const ZERO32: Hex = `0x${'0'.repeat(64)}`;
const DOMAIN_NAME = 'Polymarket CTF Exchange';
const ORDER_TYPE =
  'Order(uint256 salt,address maker,address signer,uint256 tokenId,uint256 makerAmount,uint256 takerAmount,uint8 side,uint8 signatureType,uint256 timestamp,bytes32 metadata,bytes32 builder)';
const DOMAIN_TYPE = 'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)';
const UINT256_LIMIT = 1n << 256n;
const COLLATERAL_DECIMALS = 6;

/** The SDK's ROUNDING_CONFIG (not exported by it); the parity test covers every tick. */
const ROUNDING: Record<TickSize, { price: number; size: number; amount: number }> = {
  '0.1': { price: 1, size: 2, amount: 3 },
  '0.01': { price: 2, size: 2, amount: 4 },
  '0.005': { price: 3, size: 2, amount: 5 },
  '0.0025': { price: 4, size: 2, amount: 6 },
  '0.001': { price: 3, size: 2, amount: 5 },
  '0.0001': { price: 4, size: 2, amount: 6 },
};

export interface FastOrderSignerOptions {
  privateKey: Hex;
  chainId: number;
  /** As given to ClobClient: EOA (default), POLY_PROXY or POLY_GNOSIS_SAFE. POLY_1271 is not supported here. */
  signatureType?: SignatureTypeV2;
  /** As given to ClobClient: becomes the order's maker, verbatim (the SDK does not checksum it). */
  funderAddress?: string;
  /** ClobClient's builderConfig.builderCode (bytes32), if any. */
  builderCode?: Hex;
  /** Salt generator; the SDK's own by default. Injectable so tests can reproduce an SDK order exactly. */
  generateSalt?: () => string;
  now?: () => number;
}

export interface FastOrderArgs {
  tokenId: string;
  /** Floats, as the SDK takes them: rounding follows the SDK's own float rules, bit for bit. */
  price: number;
  size: number;
  side: 'BUY' | 'SELL';
  tickSize: TickSize;
  negRisk: boolean;
  version: 2 | 3;
  expiration?: number;
}

export interface FastSignedOrder {
  order: SignedOrder;
  /** EIP-712 digest of the order = the venue's orderID. */
  hash: Hex;
}

/** The SDK's generateOrderSalt. */
export function sdkSalt(): string {
  return String(Math.round(Math.random() * Date.now()));
}

export class FastOrderSigner {
  readonly address: `0x${string}`;
  private readonly maker: string;
  private readonly signatureType: SignatureTypeV2;
  private readonly builder: Hex;
  private readonly secret: Uint8Array;
  private readonly domains = new Map<string, Uint8Array>();
  private readonly generateSalt: () => string;
  private readonly now: () => number;
  /** typeHash | salt | maker | signer | tokenId | makerAmount | takerAmount | side | signatureType | timestamp | metadata | builder */
  private readonly struct = new Uint8Array(12 * 32);
  private readonly structView = new DataView(this.struct.buffer);
  /** 0x19 0x01 | domainSeparator | structHash */
  private readonly envelope = new Uint8Array(66);
  private readonly tokenWords = new Map<string, Uint8Array>();

  constructor(private readonly o: FastOrderSignerOptions) {
    this.signatureType = o.signatureType ?? SignatureTypeV2.EOA;
    if (this.signatureType === SignatureTypeV2.POLY_1271) throw new Error('POLY_1271 orders are not built by the fast signer');
    this.address = privateKeyToAccount(o.privateKey).address;
    this.secret = hexBytes(o.privateKey, 32);
    if (o.funderAddress !== undefined && !isAddress(o.funderAddress)) throw new Error(`invalid funder address ${o.funderAddress}`);
    this.maker = o.funderAddress ?? this.address;
    this.builder = o.builderCode ?? ZERO32;
    this.generateSalt = o.generateSalt ?? sdkSalt;
    // Looked up at call time (not bound once), like the SDK, so a stubbed Date.now reaches both.
    this.now = o.now ?? (() => Date.now());
    this.struct.set(keccak_256(utf8(ORDER_TYPE)), 0);
    this.struct.set(hexBytes(this.maker, 20), 2 * 32 + 12);
    this.struct.set(hexBytes(this.address, 20), 3 * 32 + 12);
    this.structView.setUint8(8 * 32 + 31, this.signatureType);
    this.struct.set(hexBytes(this.builder, 32), 11 * 32);
    this.envelope[0] = 0x19;
    this.envelope[1] = 0x01;
    for (const version of [2, 3] as const) {
      for (const negRisk of [false, true]) this.domainSeparator(version, negRisk);
    }
  }

  /** The exchange contract an order of this version/market is signed for (the SDK's choice in createOrder). */
  exchange(version: 2 | 3, negRisk: boolean): `0x${string}` {
    const c = getContractConfig(this.o.chainId);
    return getAddress(version === 3 ? c.exchangeV3 : negRisk ? c.negRiskExchangeV2 : c.exchangeV2);
  }

  sign(args: FastOrderArgs, salt?: string): FastSignedOrder {
    const round = ROUNDING[args.tickSize];
    const tick = parseFloat(args.tickSize);
    if (!(args.price >= tick && args.price <= 1 - tick)) {
      throw new Error(`invalid price (${String(args.price)}), min: ${String(tick)} - max: ${String(1 - tick)}`);
    }
    const { makerAmount, takerAmount } = sdkAmounts(args.side, args.size, roundNormal(args.price, round.price), round);
    // Same call order as the SDK (timestamp, then salt), so a test that fixes Date.now and Math.random sees equal orders.
    const timestamp = this.now().toString();
    const orderSalt = salt ?? this.generateSalt();
    const s = this.struct;
    writeUint(this.structView, 1 * 32, parseUint(orderSalt, 'salt'));
    s.set(this.tokenWord(args.tokenId), 4 * 32);
    writeUint(this.structView, 5 * 32, parseUint(makerAmount, 'makerAmount'));
    writeUint(this.structView, 6 * 32, parseUint(takerAmount, 'takerAmount'));
    s[7 * 32 + 31] = args.side === 'BUY' ? 0 : 1;
    writeUint(this.structView, 9 * 32, parseUint(timestamp, 'timestamp'));
    const env = this.envelope;
    env.set(this.domainSeparator(args.version, args.negRisk), 2);
    env.set(keccak_256(s), 34);
    const digest = keccak_256(env);
    const signature = signDigest(digest, this.secret);
    const order: SignedOrder = {
      salt: orderSalt,
      maker: this.maker,
      signer: this.address,
      tokenId: args.tokenId,
      makerAmount,
      takerAmount,
      side: args.side === 'BUY' ? Side.BUY : Side.SELL,
      signatureType: this.signatureType,
      metadata: ZERO32,
      builder: this.builder,
      timestamp,
      expiration: args.expiration !== undefined ? args.expiration.toString() : '0',
      signature,
    };
    return { order, hash: `0x${toHex(digest)}` };
  }

  private domainSeparator(version: 2 | 3, negRisk: boolean): Uint8Array {
    const key = version === 3 ? '3' : negRisk ? '2n' : '2';
    const known = this.domains.get(key);
    if (known !== undefined) return known;
    const buf = new Uint8Array(5 * 32);
    buf.set(keccak_256(utf8(DOMAIN_TYPE)), 0);
    buf.set(keccak_256(utf8(DOMAIN_NAME)), 32);
    buf.set(keccak_256(utf8(String(version))), 64);
    writeUint(new DataView(buf.buffer), 96, BigInt(this.o.chainId));
    buf.set(hexBytes(this.exchange(version, negRisk), 20), 4 * 32 + 12);
    const sep = keccak_256(buf);
    this.domains.set(key, sep);
    return sep;
  }

  private tokenWord(tokenId: string): Uint8Array {
    const known = this.tokenWords.get(tokenId);
    if (known !== undefined) return known;
    const word = new Uint8Array(32);
    writeUint(new DataView(word.buffer), 0, parseUint(tokenId, 'tokenId'));
    // Markets are few and long-lived; the bound only guards against an unbounded stream of token ids.
    if (this.tokenWords.size >= 10_000) this.tokenWords.clear();
    this.tokenWords.set(tokenId, word);
    return word;
  }
}

/**
 * The SDK's getOrderRawAmounts + parseUnits, kept in floats on purpose: the point is to sign exactly what the SDK
 * would. The caller compares the result with the exact Decimal amounts before anything is sent.
 */
export function sdkAmounts(side: 'BUY' | 'SELL', size: number, price: number, round: { price: number; size: number; amount: number }): { makerAmount: string; takerAmount: string } {
  const rawPrice = roundNormal(price, round.price);
  const shares = roundDown(size, round.size);
  let notional = shares * rawPrice;
  if (decimalPlaces(notional) > round.amount) {
    notional = roundUp(notional, round.amount + 4);
    if (decimalPlaces(notional) > round.amount) notional = roundDown(notional, round.amount);
  }
  const sharesUnits = parseUnits(shares.toString(), COLLATERAL_DECIMALS).toString();
  const notionalUnits = parseUnits(notional.toString(), COLLATERAL_DECIMALS).toString();
  return side === 'BUY' ? { makerAmount: notionalUnits, takerAmount: sharesUnits } : { makerAmount: sharesUnits, takerAmount: notionalUnits };
}

function decimalPlaces(num: number): number {
  if (Number.isInteger(num)) return 0;
  const frac = num.toString().split('.')[1];
  return frac === undefined ? 0 : frac.length;
}

function roundNormal(num: number, decimals: number): number {
  if (decimalPlaces(num) <= decimals) return num;
  return Math.round((num + Number.EPSILON) * 10 ** decimals) / 10 ** decimals;
}

function roundDown(num: number, decimals: number): number {
  if (decimalPlaces(num) <= decimals) return num;
  return Math.floor(num * 10 ** decimals) / 10 ** decimals;
}

function roundUp(num: number, decimals: number): number {
  if (decimalPlaces(num) <= decimals) return num;
  return Math.ceil(num * 10 ** decimals) / 10 ** decimals;
}

function parseUint(value: string, what: string): bigint {
  if (!/^\d{1,78}$/.test(value)) throw new Error(`${what} is not a uint256: ${value}`);
  const n = BigInt(value);
  if (n >= UINT256_LIMIT) throw new Error(`${what} is not a uint256: ${value}`);
  return n;
}

function writeUint(view: DataView, offset: number, n: bigint): void {
  view.setBigUint64(offset, n >> 192n);
  view.setBigUint64(offset + 8, (n >> 128n) & 0xffff_ffff_ffff_ffffn);
  view.setBigUint64(offset + 16, (n >> 64n) & 0xffff_ffff_ffff_ffffn);
  view.setBigUint64(offset + 24, n & 0xffff_ffff_ffff_ffffn);
}

function hexBytes(hex: string, length: number): Uint8Array {
  const body = hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
  if (body.length !== length * 2 || !/^[0-9a-fA-F]*$/.test(body)) throw new Error(`expected ${String(length)} hex bytes: ${hex}`);
  return Uint8Array.from(Buffer.from(body, 'hex'));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
