import { describe, expect, it } from 'vitest';
import { CredentialError, decryptCredentials, encryptCredentials, keyId, parseBlob, reencrypt } from './index.js';

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
    expect(() => decryptCredentials(tampered, [KEY_A])).toThrow(/does not authenticate/);
  });
  it('names why a blob cannot be opened, without the secret', () => {
    const blob = encryptCredentials({ secret: 'hunter2' }, KEY_A);
    const codeOf = (fn: () => unknown): string => {
      try {
        fn();
      } catch (error) {
        if (error instanceof CredentialError) {
          expect(error.message).not.toContain('hunter2');
          return error.code;
        }
        throw error;
      }
      return 'none';
    };
    expect(codeOf(() => decryptCredentials('aes256gcm:...', [KEY_A]))).toBe('malformed');
    expect(codeOf(() => decryptCredentials(blob, [KEY_B]))).toBe('unknown-key');
    const parts = blob.split(':');
    const flipped = [...parts.slice(0, 4), (parts[4] ?? '').startsWith('A') ? `B${(parts[4] ?? '').slice(1)}` : `A${(parts[4] ?? '').slice(1)}`].join(':');
    expect(codeOf(() => decryptCredentials(flipped, [KEY_A]))).toBe('auth-failed');
  });
  it('opens a blob with any key of the ring (current first, then previous)', () => {
    const blob = encryptCredentials({ privateKey: '0x01' }, KEY_A);
    expect(decryptCredentials(blob, [KEY_B, KEY_A])).toEqual({ privateKey: '0x01' });
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
