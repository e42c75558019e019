/**
 * Wallets: credentials are sealed at once (AES-256-GCM, see crypto/credentials.ts) or accepted already sealed in
 * the aes256gcm: form, stored as one blob, and never returned or logged — reads expose only credentialKeys.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { CreateWalletRequest, Exchange, UpdateWalletRequest, WalletPublic } from '@trading/shared-types';
import type { AppContext } from '../../context.js';
import { wallets } from '../../db/schema.js';
import { conflict, notFound, unprocessable } from '../../errors.js';
import { encryptCredentials } from '../../crypto/credentials.js';
import { recordAudit } from '../audit/record-audit.js';
import { assertExchange, type Principal } from '../auth/principal.js';

type WalletRow = typeof wallets.$inferSelect;

const PLAIN_SECRETS = ['privateKey', 'apiKey', 'secret', 'passphrase'] as const;
const SEALED = ['encryptedPrivateKey', 'encryptedSecret'] as const;
const BY_EXCHANGE: Record<Exchange, { plain: readonly string[]; sealed: readonly string[]; required: string }> = {
  polymarket: { plain: ['privateKey'], sealed: ['encryptedPrivateKey'], required: 'privateKey or encryptedPrivateKey' },
  okx: { plain: ['apiKey', 'secret', 'passphrase'], sealed: ['encryptedSecret'], required: 'apiKey, secret and passphrase, or encryptedSecret' },
};

export function toWalletPublic(row: WalletRow): WalletPublic {
  return {
    walletId: row.walletId,
    name: row.name,
    exchange: row.exchange as Exchange,
    credentialKeys: row.credentialKeys,
    publicAddress: row.publicAddress,
    isActive: row.isActive,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Build the one sealed blob for a wallet from the request's credentials. */
export function sealCredentials(ctx: AppContext, body: CreateWalletRequest): { blob: string; keys: string[]; publicAddress: string | null } {
  const creds = body.credentials as Record<string, string | undefined>;
  const rules = BY_EXCHANGE[body.exchange];
  const keys = Object.keys(creds).filter((k) => creds[k] !== undefined);
  const wrongField = keys.find(
    (k) => ([...PLAIN_SECRETS, ...SEALED] as readonly string[]).includes(k) && !rules.plain.includes(k) && !rules.sealed.includes(k),
  );
  if (wrongField) throw unprocessable(`credentials.${wrongField} does not apply to ${body.exchange}`, [{ field: `credentials.${wrongField}`, message: `not a ${body.exchange} credential` }]);
  const sealed = rules.sealed.map((k) => creds[k]).filter((v): v is string => v !== undefined);
  const plain = Object.fromEntries(rules.plain.filter((k) => creds[k] !== undefined).map((k) => [k, creds[k] ?? '']));
  if (sealed.length > 0 && Object.keys(plain).length > 0) {
    throw unprocessable('send either plain credentials or an encrypted blob, not both', [{ field: 'credentials', message: 'mixed plain and encrypted secrets' }]);
  }
  let blob: string;
  if (sealed.length > 0) {
    blob = sealed[0] ?? '';
  } else if (rules.plain.every((k) => plain[k] !== undefined)) {
    blob = encryptCredentials(plain, ctx.config.encryptionKey);
  } else {
    throw unprocessable(`${body.exchange} credentials need ${rules.required}`, [{ field: 'credentials', message: `needs ${rules.required}` }]);
  }
  const publicAddress = creds.proxyAddress ?? creds.publicAddress ?? null;
  return { blob, keys, publicAddress };
}

export async function createWallet(ctx: AppContext, actor: Principal, body: CreateWalletRequest, ip: string): Promise<WalletPublic> {
  assertExchange(actor, body.exchange);
  const sealed = sealCredentials(ctx, body);
  return ctx.db.transaction(async (q) => {
    const walletId = randomUUID();
    const [row] = await q.query<{ wallet_id: string }>(
      `INSERT INTO wallets (wallet_id, name, exchange, encrypted_credentials, credential_keys, public_address, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING wallet_id`,
      [walletId, body.name, body.exchange, sealed.blob, sealed.keys, sealed.publicAddress, actor.userId],
    );
    if (!row) throw new Error('wallet insert returned nothing');
    const wallet: WalletPublic = {
      walletId,
      name: body.name,
      exchange: body.exchange,
      credentialKeys: sealed.keys,
      publicAddress: sealed.publicAddress,
      isActive: true,
      createdBy: actor.userId,
      createdAt: new Date().toISOString(),
    };
    await recordAudit(q, { userId: actor.userId, action: 'wallet.create', entityType: 'wallet', entityId: walletId, exchange: body.exchange, after: wallet, ip });
    return wallet;
  });
}

export async function getWalletRow(ctx: AppContext, walletId: string): Promise<WalletRow> {
  const [row] = await ctx.db.orm.select().from(wallets).where(and(eq(wallets.walletId, walletId), isNull(wallets.deletedAt)));
  if (!row) throw notFound('wallet');
  return row;
}

export async function getWallet(ctx: AppContext, actor: Principal, walletId: string): Promise<WalletPublic> {
  const row = await getWalletRow(ctx, walletId);
  assertExchange(actor, row.exchange);
  return toWalletPublic(row);
}

export async function updateWallet(ctx: AppContext, actor: Principal, walletId: string, body: UpdateWalletRequest, ip: string): Promise<WalletPublic> {
  const before = await getWalletRow(ctx, walletId);
  assertExchange(actor, before.exchange);
  const [after] = await ctx.db.orm
    .update(wallets)
    .set({ ...(body.name !== undefined ? { name: body.name } : {}), ...(body.isActive !== undefined ? { isActive: body.isActive } : {}), updatedAt: new Date() })
    .where(eq(wallets.walletId, walletId))
    .returning();
  if (!after) throw notFound('wallet');
  await recordAudit(ctx.db, { userId: actor.userId, action: 'wallet.update', entityType: 'wallet', entityId: walletId, exchange: before.exchange, before: toWalletPublic(before), after: toWalletPublic(after), ip });
  return toWalletPublic(after);
}

export async function deleteWallet(ctx: AppContext, actor: Principal, walletId: string, ip: string): Promise<void> {
  const before = await getWalletRow(ctx, walletId);
  assertExchange(actor, before.exchange);
  await ctx.db.transaction(async (q) => {
    const inUse = await q.query('SELECT 1 FROM bots WHERE wallet_id = $1 AND deleted_at IS NULL LIMIT 1', [walletId]);
    if (inUse.length > 0) throw conflict('wallet is used by a bot');
    // Soft delete, and the secret is dropped for good.
    await q.query("UPDATE wallets SET deleted_at = now(), is_active = false, encrypted_credentials = '' WHERE wallet_id = $1", [walletId]);
    await recordAudit(q, { userId: actor.userId, action: 'wallet.delete', entityType: 'wallet', entityId: walletId, exchange: before.exchange, before: toWalletPublic(before), ip });
  });
}
