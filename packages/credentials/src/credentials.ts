/**
 * Wallet credential encryption: AES-256-GCM under ENCRYPTION_KEY (32 bytes, 64 hex), shared with the engines.
 *
 * Blob format (one line, ASCII):  aes256gcm:<keyId>:<iv>:<tag>:<ciphertext>
 *   keyId      first 8 hex chars of sha256(key bytes) — says which key sealed it, so rotation can keep old keys
 *   iv         12 random bytes, base64url
 *   tag        16-byte GCM auth tag, base64url
 *   ciphertext base64url of the UTF-8 JSON object of the secret fields, e.g. {"privateKey":"0x…"} or
 *              {"apiKey":"…","secret":"…","passphrase":"…"}
 * The CMS never decrypts: the blob travels to the engine inside the start-bot command. Shared by the CMS backend
 * (sealing, rotation in migrate) and the trading engine (opening, in memory only, when a live bot starts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const BLOB_PREFIX = 'aes256gcm:';
/** An encryption key as configured: 64 hex characters (32 bytes). */
export const KEY_HEX_RE = /^[0-9a-fA-F]{64}$/;

/** Why a blob could not be opened; `message` never contains secret material. */
export type CredentialErrorCode = 'malformed' | 'unknown-key' | 'auth-failed' | 'not-an-object';

export class CredentialError extends Error {
  constructor(
    readonly code: CredentialErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}
const BLOB_RE = /^aes256gcm:([0-9a-f]{8}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]+)$/;

export function keyId(keyHex: string): string {
  return createHash('sha256').update(Buffer.from(keyHex, 'hex')).digest('hex').slice(0, 8);
}

export function encryptCredentials(secrets: Record<string, string>, keyHex: string): string {
  const key = Buffer.from(keyHex, 'hex');
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${BLOB_PREFIX}${keyId(keyHex)}:${iv.toString('base64url')}:${tag.toString('base64url')}:${body.toString('base64url')}`;
}

export interface ParsedBlob {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function parseBlob(blob: string): ParsedBlob | null {
  const match = BLOB_RE.exec(blob);
  if (!match) return null;
  const [, kid = '', iv = '', tag = '', body = ''] = match;
  return {
    keyId: kid,
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
    ciphertext: Buffer.from(body, 'base64url'),
  };
}

/**
 * Engine side (and key rotation): decrypt with whichever configured key sealed the blob. Throws CredentialError:
 * `malformed` (not the blob format), `unknown-key` (no configured key has the blob's key id), `auth-failed` (the GCM
 * tag does not verify: tampered blob or a key with a colliding id), `not-an-object` (sealed JSON is not an object).
 */
export function decryptCredentials(blob: string, keysHex: readonly string[]): Record<string, string> {
  const parsed = parseBlob(blob);
  if (!parsed) throw new CredentialError('malformed', 'not an aes256gcm credential blob');
  const keyHex = keysHex.find((k) => keyId(k) === parsed.keyId);
  if (keyHex === undefined) throw new CredentialError('unknown-key', `no key with id ${parsed.keyId}`);
  let text: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), parsed.iv);
    decipher.setAuthTag(parsed.tag);
    text = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new CredentialError('auth-failed', `credential blob sealed under key ${parsed.keyId} does not authenticate (tampered or wrong key)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CredentialError('not-an-object', 'credential blob does not hold JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new CredentialError('not-an-object', 'credential blob is not an object');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** Re-seal a blob under the current key (key rotation). */
export function reencrypt(blob: string, oldKeys: readonly string[], newKeyHex: string): string {
  return encryptCredentials(decryptCredentials(blob, oldKeys), newKeyHex);
}
