/**
 * Polymarket authentication, server side: L1 (ClobAuth EIP-712 signature by the wallet, for creating/deriving API
 * keys) and L2 (HMAC-SHA256 over timestamp + method + path + raw body with the API secret). The key store is
 * deterministic per (address, nonce) so a restarted client derives the same credentials, as on the real venue.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { getAddress, isAddress, isHex, recoverTypedDataAddress } from 'viem';
import { CLOB_AUTH_MESSAGE, CLOB_AUTH_TYPES } from './constants.js';

export interface ApiCreds {
  apiKey: string;
  secret: string;
  passphrase: string;
  /** Checksummed signer address that owns the key. */
  address: `0x${string}`;
  nonce: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** L2 signature exactly as the SDK builds it: url-safe base64 with '=' padding kept. */
export function hmacSignature(secret: string, timestamp: string, method: string, path: string, body: string): string {
  const key = Buffer.from(secret.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  const digest = createHmac('sha256', key).update(`${timestamp}${method}${path}${body}`, 'utf8').digest('base64');
  return digest.replace(/\+/g, '-').replace(/\//g, '_');
}

/** Recovers the ClobAuth signer; returns the checksummed address when it matches POLY_ADDRESS. */
export async function verifyL1(headers: IncomingHttpHeaders, chainId: number): Promise<{ address: `0x${string}`; nonce: string } | null> {
  const address = header(headers, 'POLY_ADDRESS');
  const signature = header(headers, 'POLY_SIGNATURE');
  const timestamp = header(headers, 'POLY_TIMESTAMP');
  const nonce = header(headers, 'POLY_NONCE') ?? '0';
  if (address === undefined || signature === undefined || timestamp === undefined) return null;
  if (!isAddress(address, { strict: false }) || !isHex(signature) || !/^\d+$/.test(nonce)) return null;
  try {
    const recovered = await recoverTypedDataAddress({
      domain: { name: 'ClobAuthDomain', version: '1', chainId },
      types: CLOB_AUTH_TYPES,
      primaryType: 'ClobAuth',
      message: { address: getAddress(address), timestamp, nonce: BigInt(nonce), message: CLOB_AUTH_MESSAGE },
      signature,
    });
    return recovered.toLowerCase() === address.toLowerCase() ? { address: getAddress(address), nonce } : null;
  } catch {
    return null;
  }
}

export class ApiKeyStore {
  private readonly byKey = new Map<string, ApiCreds>();
  private readonly byAddressNonce = new Map<string, ApiCreds>();

  constructor(private readonly seed: number) {}

  /** Deterministic credentials for (address, nonce): same inputs, same key, across simulator restarts. */
  private derive(address: `0x${string}`, nonce: string): ApiCreds {
    const h = (label: string) => createHash('sha256').update(`${String(this.seed)}:${label}:${address.toLowerCase()}:${nonce}`).digest();
    const k = h('key').toString('hex');
    const apiKey = `${k.slice(0, 8)}-${k.slice(8, 12)}-4${k.slice(13, 16)}-a${k.slice(17, 20)}-${k.slice(20, 32)}`;
    return { apiKey, secret: h('secret').toString('base64url') + '=', passphrase: h('pass').toString('hex'), address, nonce };
  }

  /** POST /auth/api-key: fails when the key for (address, nonce) already exists, as the venue does. */
  create(address: `0x${string}`, nonce: string): ApiCreds | null {
    const id = `${address.toLowerCase()}:${nonce}`;
    if (this.byAddressNonce.has(id)) return null;
    const creds = this.derive(address, nonce);
    this.byAddressNonce.set(id, creds);
    this.byKey.set(creds.apiKey, creds);
    return creds;
  }

  /** GET /auth/derive-api-key: the existing key (created on the fly when the venue never saw it). */
  deriveOrCreate(address: `0x${string}`, nonce: string): ApiCreds {
    const existing = this.byAddressNonce.get(`${address.toLowerCase()}:${nonce}`);
    return existing ?? this.create(address, nonce) ?? this.derive(address, nonce);
  }

  get(apiKey: string): ApiCreds | undefined {
    return this.byKey.get(apiKey);
  }

  /** L2 check: key exists, belongs to POLY_ADDRESS, passphrase matches, HMAC over the raw body matches. */
  verifyL2(headers: IncomingHttpHeaders, method: string, path: string, rawBody: string): ApiCreds | null {
    const apiKey = header(headers, 'POLY_API_KEY');
    const address = header(headers, 'POLY_ADDRESS');
    const signature = header(headers, 'POLY_SIGNATURE');
    const timestamp = header(headers, 'POLY_TIMESTAMP');
    const passphrase = header(headers, 'POLY_PASSPHRASE');
    if (apiKey === undefined || address === undefined || signature === undefined || timestamp === undefined) return null;
    const creds = this.byKey.get(apiKey);
    if (creds === undefined || passphrase !== creds.passphrase) return null;
    if (creds.address.toLowerCase() !== address.toLowerCase()) return null;
    const expected = Buffer.from(hmacSignature(creds.secret, timestamp, method, path, rawBody));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? creds : null;
  }

  /** WS user-channel auth: {apiKey, secret, passphrase} must all match. */
  verifyWs(auth: { apiKey?: unknown; secret?: unknown; passphrase?: unknown }): ApiCreds | null {
    if (typeof auth.apiKey !== 'string') return null;
    const creds = this.byKey.get(auth.apiKey);
    if (creds === undefined || creds.secret !== auth.secret || creds.passphrase !== auth.passphrase) return null;
    return creds;
  }
}
