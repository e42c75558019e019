/**
 * npm run encrypt-secret -- <json | key=value ...>   (or pipe JSON on stdin)
 * Seals wallet secrets into the aes256gcm: blob the API accepts as encryptedPrivateKey / encryptedSecret, under
 * ENCRYPTION_KEY (the offline demo key when unset). Examples:
 *   npm run encrypt-secret -w @trading/cms-backend -- privateKey=0xabc…
 *   echo '{"apiKey":"…","secret":"…","passphrase":"…"}' | npm run encrypt-secret -w @trading/cms-backend
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/env.js';
import { encryptCredentials } from '../crypto/credentials.js';

function parseArgs(args: string[]): Record<string, string> {
  if (args.length === 1 && args[0]?.trim().startsWith('{')) return JSON.parse(args[0]) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new Error(`expected key=value, got "${arg}"`);
    out[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return out;
}

const args = process.argv.slice(2);
const secrets = args.length > 0 ? parseArgs(args) : (JSON.parse(readFileSync(0, 'utf8')) as Record<string, string>);
if (Object.keys(secrets).length === 0 || Object.values(secrets).some((v) => typeof v !== 'string' || v === '')) {
  process.stderr.write('usage: encrypt-secret privateKey=0x… | \'{"apiKey":"…","secret":"…","passphrase":"…"}\'\n');
  process.exit(2);
}
const config = loadConfig();
if (config.demoDefaults.includes('ENCRYPTION_KEY')) process.stderr.write('warning: ENCRYPTION_KEY is unset; using the offline demo key\n');
process.stdout.write(`${encryptCredentials(secrets, config.encryptionKey)}\n`);
