/**
 * Wallet credential encryption lives in the shared workspace package @trading/credentials (the engines open the
 * same blobs); this module re-exports it so the backend's imports stay where they were.
 */
export {
  BLOB_PREFIX,
  CredentialError,
  decryptCredentials,
  encryptCredentials,
  keyId,
  parseBlob,
  reencrypt,
  type ParsedBlob,
} from '@trading/credentials';
