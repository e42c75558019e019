/**
 * OKX WebSocket through the real `okx-api` WebsocketClient. A subclass overrides `getWsUrl` so public, private and
 * business connections go to their own configured URLs (production or simulator) and so every reconnect attempt
 * waits an exponential, jittered delay. Subscriptions are reference counted per channel+instrument; the SDK
 * resubscribes after a reconnect and we tell listeners so books can be marked for resync.
 */
import { WebsocketClient, type WsChannelSubUnSubRequestArg, type WsKey } from 'okx-api';
import type { Logger } from 'pino';

export interface OkxWsUrls {
  public: string;
  private: string;
  business: string;
}

export interface OkxWsConfig {
  urls: OkxWsUrls;
  credentials?: { apiKey: string; secret: string; passphrase: string };
  logger: Logger;
  /** Reconnect backoff: first retry after ~baseMs, doubling to maxMs, each randomized to 50–100 %. */
  reconnect?: { baseMs: number; maxMs: number };
}

export type OkxArg = Record<string, string> & { channel: string };

class RoutedOkxWs extends WebsocketClient {
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly routes: OkxWsUrls,
    private readonly backoff: { baseMs: number; maxMs: number },
    ...args: ConstructorParameters<typeof WebsocketClient>
  ) {
    super(...args);
    this.on('open', ({ wsKey }) => this.attempts.delete(wsKey));
    this.on('reconnected', ({ wsKey }) => this.attempts.delete(wsKey));
  }

  protected override async getWsUrl(wsKey: WsKey): Promise<string> {
    const n = this.attempts.get(wsKey) ?? 0;
    this.attempts.set(wsKey, n + 1);
    if (n > 0) {
      const delay = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (n - 1)) * (0.5 + Math.random() * 0.5);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    const key: string = wsKey;
    if (key.endsWith('Private')) return this.routes.private;
    if (key.endsWith('Business')) return this.routes.business;
    return this.routes.public;
  }
}

type PushHandler = (message: { arg: OkxArg; action?: string; data: unknown[] }) => void;

export class OkxStream {
  readonly client: WebsocketClient;
  private readonly refs = new Map<string, { arg: OkxArg; count: number }>();
  private readonly handlers = new Map<string, Set<PushHandler>>();
  private readonly reconnectListeners = new Set<(wsKey: string) => void>();
  private readonly statusListeners = new Set<(up: boolean, reason: string) => void>();

  constructor(private readonly config: OkxWsConfig) {
    const log = config.logger;
    const sdkLogger = {
      trace: () => undefined,
      info: (...params: unknown[]) => { log.debug({ params }, 'okx-api'); },
      error: (...params: unknown[]) => { log.warn({ params }, 'okx-api'); },
    };
    const creds = config.credentials;
    this.client = new RoutedOkxWs(
      config.urls,
      config.reconnect ?? { baseMs: 250, maxMs: 5000 },
      {
        // The SDK waits this long before calling getWsUrl, where our jittered backoff happens.
        reconnectTimeout: 50,
        ...(creds ? { accounts: [{ apiKey: creds.apiKey, apiSecret: creds.secret, apiPass: creds.passphrase }] } : {}),
      },
      sdkLogger,
    );
    this.client.on('update', (event: unknown) => { this.dispatch(event); });
    this.client.on('reconnected', ({ wsKey }) => {
      for (const l of this.reconnectListeners) l(wsKey);
      for (const l of this.statusListeners) l(true, `reconnected ${wsKey}`);
    });
    this.client.on('reconnect', ({ wsKey }) => {
      for (const l of this.statusListeners) l(false, `connection lost ${wsKey}`);
    });
    this.client.on('exception', (event: unknown) => { log.warn({ event }, 'okx ws exception'); });
  }

  static key(arg: OkxArg): string {
    return `${arg.channel}|${arg.instId ?? arg.instType ?? arg.ccy ?? ''}`;
  }

  /** Registers a handler for every push of one channel (all instruments). */
  onChannel(channel: string, handler: PushHandler): () => void {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  onReconnect(listener: (wsKey: string) => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  onConnectionStatus(listener: (up: boolean, reason: string) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Adds a reference; the first one subscribes on the wire. */
  acquire(arg: OkxArg): void {
    const key = OkxStream.key(arg);
    const ref = this.refs.get(key);
    if (ref) {
      ref.count++;
      return;
    }
    this.refs.set(key, { arg, count: 1 });
    this.settle(this.client.subscribe(toSdk(arg)), 'subscribe', arg);
  }

  /** Drops a reference; the last one unsubscribes. */
  release(arg: OkxArg): void {
    const key = OkxStream.key(arg);
    const ref = this.refs.get(key);
    if (!ref) return;
    ref.count--;
    if (ref.count > 0) return;
    this.refs.delete(key);
    this.settle(this.client.unsubscribe(toSdk(arg)), 'unsubscribe', arg);
  }

  /** Unsubscribes and subscribes again (a fresh `books` snapshot). */
  resubscribe(arg: OkxArg): void {
    if (!this.refs.has(OkxStream.key(arg))) return;
    this.settle(this.client.unsubscribe(toSdk(arg)), 'unsubscribe', arg);
    this.settle(this.client.subscribe(toSdk(arg)), 'subscribe', arg);
  }

  subscriptionCount(): number {
    return this.refs.size;
  }

  async connectPrivate(): Promise<void> {
    await this.client.connectPrivate();
  }

  close(): void {
    this.client.removeAllListeners();
    this.client.closeAll(true);
  }

  private settle(promises: Promise<unknown>[], op: string, arg: OkxArg): void {
    void Promise.allSettled(promises).then((results) => {
      for (const r of results) {
        if (r.status === 'rejected') this.config.logger.warn({ op, arg, reason: String(r.reason) }, 'okx ws request failed');
      }
    });
  }

  private dispatch(event: unknown): void {
    if (typeof event !== 'object' || event === null) return;
    const e = event as { arg?: unknown; data?: unknown; action?: unknown };
    const arg = e.arg as { channel?: unknown } | undefined;
    if (typeof arg?.channel !== 'string' || !Array.isArray(e.data)) {
      this.config.logger.warn({ event }, 'okx ws: malformed push dropped');
      return;
    }
    const handlers = this.handlers.get(arg.channel);
    if (!handlers) return;
    const message = event as { arg: OkxArg; action?: string; data: unknown[] };
    for (const handler of handlers) {
      try {
        handler(message);
      } catch (error) {
        this.config.logger.error({ err: error, channel: arg.channel }, 'okx ws handler failed');
      }
    }
  }
}

/** Our args are plain OKX subscribe args; the SDK's union type lists every channel shape. */
function toSdk(arg: OkxArg): WsChannelSubUnSubRequestArg {
  return arg as unknown as WsChannelSubUnSubRequestArg;
}
