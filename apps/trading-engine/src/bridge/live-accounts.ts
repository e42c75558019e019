/**
 * Live accounts: one credentialed exchange adapter per live bot. When a live bot starts (or is adopted), its
 * `encryptedCredentials` blob (`aes256gcm:<keyId>:<iv>:<tag>:<ciphertext>`, sealed by the CMS) is opened with the
 * engine's key ring (ENCRYPTION_KEY + ENCRYPTION_KEYS_PREVIOUS, see @trading/credentials), mapped to the adapter's
 * credential fields, and an adapter is built and connected for that bot alone. The secrets live only in memory,
 * inside that adapter; nothing here logs or publishes them, and error messages name fields, never values.
 *
 * Fields the blob may hold (the CMS seals what the wallet was created with):
 *   okx         apiKey, secret, passphrase (all required)
 *   polymarket  privateKey (required, 0x + 64 hex), optional apiKey/secret/passphrase (L2 creds; derived with the
 *               key when absent), optional funderAddress or proxyAddress (the proxy wallet that holds the funds);
 *               the bot's exchangeConfig.funderAddress is accepted too (an address is not a secret).
 */
import { CredentialError, decryptCredentials } from '@trading/credentials';
import type { BotSpec, Exchange } from '@trading/shared-types';
import type { ExchangeAdapter, ExchangeCredentials } from '../ports/exchange.js';

/** Builds an (unconnected) adapter of `exchange` with these credentials, for this bot. */
export type LiveAdapterFactory = (exchange: Exchange, credentials: ExchangeCredentials, spec: BotSpec) => ExchangeAdapter;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const PRIVATE_KEY_RE = /^(0x)?[0-9a-fA-F]{64}$/;

function missing(fields: Record<string, string>, names: readonly string[]): string[] {
  return names.filter((name) => (fields[name] ?? '') === '');
}

/**
 * Opens a live bot's credentials and maps them to the adapter's fields. Throws an Error whose message says
 * precisely what is wrong (no blob, no key, which key id, tampered, which field is missing or malformed).
 */
export function openCredentials(spec: BotSpec, keys: readonly string[]): ExchangeCredentials {
  const who = `live bot ${spec.botId}`;
  const blob = spec.encryptedCredentials ?? null;
  if (blob === null || blob === '')
    throw new Error(
      `${who} has no encryptedCredentials (its wallet's sealed credentials must come with the start)`,
    );
  if (keys.length === 0)
    throw new Error(`${who}: this engine has no ENCRYPTION_KEY to open its credentials (set the CMS's key)`);
  let fields: Record<string, string>;
  try {
    fields = decryptCredentials(blob, keys);
  } catch (error) {
    if (error instanceof CredentialError && error.code === 'unknown-key')
      throw new Error(
        `${who}: encryptedCredentials cannot be opened: ${error.message} (neither ENCRYPTION_KEY nor ENCRYPTION_KEYS_PREVIOUS)`,
        { cause: error },
      );
    if (error instanceof CredentialError)
      throw new Error(`${who}: encryptedCredentials cannot be opened: ${error.message}`, { cause: error });
    throw new Error(`${who}: encryptedCredentials cannot be opened`, { cause: error });
  }
  if (spec.exchange === 'okx') {
    const absent = missing(fields, ['apiKey', 'secret', 'passphrase']);
    if (absent.length > 0)
      throw new Error(
        `${who}: okx credentials need apiKey, secret and passphrase (missing: ${absent.join(', ')})`,
      );
    return {
      okx: { apiKey: fields.apiKey ?? '', secret: fields.secret ?? '', passphrase: fields.passphrase ?? '' },
    };
  }
  const privateKey = fields.privateKey ?? '';
  if (privateKey === '') throw new Error(`${who}: polymarket credentials need privateKey`);
  if (!PRIVATE_KEY_RE.test(privateKey))
    throw new Error(
      `${who}: polymarket credentials: privateKey must be 32 bytes of hex (0x + 64 hex characters)`,
    );
  const l2 = ['apiKey', 'secret', 'passphrase'] as const;
  const givenL2 = l2.filter((name) => (fields[name] ?? '') !== '');
  if (givenL2.length > 0 && givenL2.length < l2.length)
    throw new Error(
      `${who}: polymarket API credentials need apiKey, secret and passphrase together (missing: ${missing(fields, l2).join(', ')})`,
    );
  const configFunder = spec.exchangeConfig.funderAddress;
  const funder =
    fields.funderAddress ??
    fields.proxyAddress ??
    (typeof configFunder === 'string' ? configFunder : undefined);
  if (funder !== undefined && !ADDRESS_RE.test(funder))
    throw new Error(
      `${who}: polymarket funderAddress/proxyAddress must be an address (0x + 40 hex characters)`,
    );
  const polymarket: NonNullable<ExchangeCredentials['polymarket']> = {
    privateKey: (privateKey.startsWith('0x') ? privateKey : `0x${privateKey}`) as `0x${string}`,
  };
  if (givenL2.length === l2.length) {
    polymarket.apiKey = fields.apiKey ?? '';
    polymarket.secret = fields.secret ?? '';
    polymarket.passphrase = fields.passphrase ?? '';
  }
  if (funder !== undefined) polymarket.funderAddress = funder;
  return { polymarket };
}

/** The connected credentialed adapters of this engine's live bots, by bot id. */
export class LiveAccounts {
  private readonly adapters = new Map<string, ExchangeAdapter>();

  constructor(
    private readonly keys: readonly string[],
    private readonly factory: LiveAdapterFactory,
  ) {}

  /** Opens the bot's credentials, builds its adapter and connects it (login, private streams). */
  async open(spec: BotSpec): Promise<ExchangeAdapter> {
    if (this.adapters.has(spec.botId))
      throw new Error(`live bot ${spec.botId} already has an account on this engine`);
    const credentials = openCredentials(spec, this.keys);
    const adapter = this.factory(spec.exchange, credentials, spec);
    if (!adapter.execution)
      throw new Error(`live bot ${spec.botId}: the ${spec.exchange} adapter has no execution`);
    try {
      await adapter.connect();
      // A signed request proves the credentials now (an OKX key the venue does not know fails here, not later on
      // the first order): the start is refused instead of running a bot that cannot trade.
      await adapter.execution.fetchBalances();
    } catch (error) {
      await adapter.close().catch(() => undefined);
      throw new Error(
        `live bot ${spec.botId}: the ${spec.exchange} account could not connect: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    this.adapters.set(spec.botId, adapter);
    return adapter;
  }

  get(botId: string): ExchangeAdapter | undefined {
    return this.adapters.get(botId);
  }

  async close(botId: string): Promise<void> {
    const adapter = this.adapters.get(botId);
    if (!adapter) return;
    this.adapters.delete(botId);
    await adapter.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.adapters.keys()].map((botId) => this.close(botId)));
  }
}
