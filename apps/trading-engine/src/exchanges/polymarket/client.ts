/**
 * Builds the official `@polymarket/clob-client-v2` ClobClient: viem WalletClient from the private key, chain 137,
 * throwOnError so every venue error is an exception, and L2 credentials from the config or created/derived with
 * L1 (create first, derive when the key already exists: with throwOnError the SDK's createOrDeriveApiKey does
 * not fall back by itself). Pointing it at production is only a different host and key.
 */
import { Chain, ClobClient, SignatureTypeV2, type ApiKeyCreds } from '@polymarket/clob-client-v2';
import { createWalletClient, http, type WalletClient } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { polygon } from 'viem/chains';
import { FastOrderSigner } from './fast-signer.js';

export const POLYGON_CHAIN_ID = Chain.POLYGON;

export function walletFromKey(privateKey: `0x${string}`): WalletClient {
  // The transport is never used: the SDK signs locally and makes no JSON-RPC calls.
  return createWalletClient({ account: privateKeyToAccount(privateKey), chain: polygon, transport: http('http://127.0.0.1:1') });
}

export function publicClient(host: string): ClobClient {
  return new ClobClient({ host, chain: POLYGON_CHAIN_ID, throwOnError: true });
}

export async function resolveCreds(host: string, wallet: WalletClient, given?: Partial<ApiKeyCreds>): Promise<ApiKeyCreds> {
  if (given?.key !== undefined && given.secret !== undefined && given.passphrase !== undefined) {
    return { key: given.key, secret: given.secret, passphrase: given.passphrase };
  }
  const l1 = new ClobClient({ host, chain: POLYGON_CHAIN_ID, signer: wallet, throwOnError: true });
  try {
    const created = await l1.createApiKey();
    if (created.key) return created;
  } catch {
    // The key for this nonce exists already: derive it.
  }
  return l1.deriveApiKey();
}

export function tradingClient(host: string, wallet: WalletClient, creds: ApiKeyCreds, funderAddress?: string): ClobClient {
  return new ClobClient({
    host,
    chain: POLYGON_CHAIN_ID,
    signer: wallet,
    creds,
    throwOnError: true,
    ...(funderAddress !== undefined ? { funderAddress, signatureType: SignatureTypeV2.POLY_GNOSIS_SAFE } : {}),
  });
}

/** The order signer matching tradingClient's configuration (same maker, signer and signature type). */
export function orderSigner(privateKey: `0x${string}`, funderAddress?: string): FastOrderSigner {
  return new FastOrderSigner({
    privateKey,
    chainId: POLYGON_CHAIN_ID,
    ...(funderAddress !== undefined ? { funderAddress, signatureType: SignatureTypeV2.POLY_GNOSIS_SAFE } : {}),
  });
}
