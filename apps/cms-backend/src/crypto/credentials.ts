/**
 * Wallet credential encryption: AES-256-GCM under ENCRYPTION_KEY (32 bytes, 64 hex), shared with the engines.
 *
 * Blob format (one line, ASCII):  aes256gcm:<keyId>:<iv>:<tag>:<ciphertext>
 *   keyId      first 8 hex chars of sha256(key bytes) — says which key sealed it, so rotation can keep old keys
 *   iv         12 random bytes, base64url
 *   tag        16-byte GCM auth tag, base64url
 *   ciphertext base64url of the UTF-8 JSON object of the secret fields, e.g. {"privateKey":"0x…"} or
 *              {"apiKey":"…","secret":"…","passphrase":"…"}
 * The CMS never decrypts: the blob travels to the engine inside the start-bot command.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export const BLOB_PREFIX = 'aes256gcm:';
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

/** Engine side (and key rotation): decrypt with whichever configured key sealed the blob. */
export function decryptCredentials(blob: string, keysHex: readonly string[]): Record<string, string> {
  const parsed = parseBlob(blob);
  if (!parsed) throw new Error('not an aes256gcm credential blob');
  const keyHex = keysHex.find((k) => keyId(k) === parsed.keyId);
  if (keyHex === undefined) throw new Error(`no key with id ${parsed.keyId}`);
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), parsed.iv);
  decipher.setAuthTag(parsed.tag);
  const text = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]).toString('utf8');
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('credential blob is not an object');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/** Re-seal a blob under the current key (key rotation). */
export function reencrypt(blob: string, oldKeys: readonly string[], newKeyHex: string): string {
  return encryptCredentials(decryptCredentials(blob, oldKeys), newKeyHex);
}
