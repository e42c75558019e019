/**
 * npm run migrate [-- --reencrypt]
 * Applies pending SQL migrations. With --reencrypt (key rotation), re-seals every wallet blob under the current
 * ENCRYPTION_KEY, opening them with ENCRYPTION_KEYS_PREVIOUS (or the current key). Secrets stay in memory only.
 */
import { loadConfig } from '../config/env.js';
import { decryptCredentials, encryptCredentials, keyId, parseBlob } from '../crypto/credentials.js';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';

const config = loadConfig();
const db = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
try {
  const applied = await migrate(db);
  process.stdout.write(`migrations applied: ${applied.length === 0 ? 'none pending' : applied.join(', ')}\n`);
  if (process.argv.includes('--reencrypt')) {
    const keys = [config.encryptionKey, ...config.previousEncryptionKeys];
    const current = keyId(config.encryptionKey);
    const rows = await db.query<{ wallet_id: string; encrypted_credentials: string }>(
      "SELECT wallet_id, encrypted_credentials FROM wallets WHERE deleted_at IS NULL AND encrypted_credentials <> ''",
    );
    let done = 0;
    let skipped = 0;
    for (const row of rows) {
      const parsed = parseBlob(row.encrypted_credentials);
      if (!parsed || parsed.keyId === current) {
        skipped += 1;
        continue;
      }
      const blob = encryptCredentials(decryptCredentials(row.encrypted_credentials, keys), config.encryptionKey);
      await db.query('UPDATE wallets SET encrypted_credentials = $2, updated_at = now() WHERE wallet_id = $1', [row.wallet_id, blob]);
      done += 1;
    }
    process.stdout.write(`re-encrypted ${done} wallet(s) under key ${current}; ${skipped} already current or not a blob\n`);
  }
} finally {
  await db.close();
}
