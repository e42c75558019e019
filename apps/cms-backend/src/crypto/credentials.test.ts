import { describe, expect, it } from 'vitest';
import { decryptCredentials, encryptCredentials, keyId, parseBlob, reencrypt } from './credentials.js';

const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);

describe('credential blobs', () => {
  it('round-trips and names its key', () => {
    const blob = encryptCredentials({ privateKey: '0xdeadbeef' }, KEY_A);
    expect(blob.startsWith(`aes256gcm:${keyId(KEY_A)}:`)).toBe(true);
    expect(blob).not.toContain('deadbeef');
    expect(decryptCredentials(blob, [KEY_A])).toEqual({ privateKey: '0xdeadbeef' });
  });
  it('fails with the wrong key and on tampering', () => {
    const blob = encryptCredentials({ secret: 's' }, KEY_A);
    expect(() => decryptCredentials(blob, [KEY_B])).toThrow(/no key/);
    const parsed = parseBlob(blob);
    expect(parsed).not.toBeNull();
    const tampered = blob.slice(0, -2) + (blob.endsWith('A') ? 'BB' : 'AA');
    expect(() => decryptCredentials(tampered, [KEY_A])).toThrow();
  });
  it('rotates to a new key', () => {
    const blob = encryptCredentials({ apiKey: 'k', secret: 's', passphrase: 'p' }, KEY_A);
    const rotated = reencrypt(blob, [KEY_A], KEY_B);
    expect(decryptCredentials(rotated, [KEY_B])).toEqual({ apiKey: 'k', secret: 's', passphrase: 'p' });
  });
  it('rejects malformed blobs', () => {
    expect(parseBlob('aes256gcm:...')).toBeNull();
  });
});
