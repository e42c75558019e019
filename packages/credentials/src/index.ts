export {
  BLOB_PREFIX,
  KEY_HEX_RE,
  CredentialError,
  decryptCredentials,
  encryptCredentials,
  keyId,
  parseBlob,
  reencrypt,
  type CredentialErrorCode,
  type ParsedBlob,
} from './credentials.js';
