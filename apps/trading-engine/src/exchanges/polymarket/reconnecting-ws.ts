/**
 * One WebSocket that stays up: jittered exponential backoff on every drop, `PING` text heartbeat (the venue
 * answers `PONG`), and an `onOpen` hook where the owner (re)sends its subscriptions. The owner learns about
 * reconnects through `onOpen(reconnect=true)` so it can resync state.
 */
import WebSocket from 'ws';
import type { AdapterLogger } from './logger.js';

export interface ReconnectingWsOptions {
  url: string;
  onOpen: (reconnect: boolean) => void;
  onMessage: (text: string) => void;
  onState?: (state: 'open' | 'reconnecting' | 'closed', reason: string) => void;
  log: AdapterLogger;
  pingMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

export class ReconnectingWs {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private everOpened = false;
  private closed = false;
  private pingTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private openWaiters: (() => void)[] = [];

  constructor(private readonly options: ReconnectingWsOptions) {}

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    if (this.closed || this.ws !== null) return;
    const ws = new WebSocket(this.options.url);
    this.ws = ws;
    ws.on('open', () => {
      const reconnect = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send('PING');
      }, this.options.pingMs ?? 10_000);
      this.options.onState?.('open', reconnect ? 'reconnected' : 'connected');
      this.options.onOpen(reconnect);
      for (const w of this.openWaiters.splice(0)) w();
    });
    ws.on('message', (data: WebSocket.RawData) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      if (text === 'PONG') return;
      try {
        this.options.onMessage(text);
      } catch (e) {
        // A handler bug must not kill the connection; the message is dropped and logged.
        this.options.log.error({ err: e }, 'ws message handler threw');
      }
    });
    ws.on('error', (e) => {
      this.options.log.warn({ err: e.message, url: this.options.url }, 'ws error');
    });
    ws.on('close', (code) => {
      if (this.pingTimer !== null) clearInterval(this.pingTimer);
      this.pingTimer = null;
      this.ws = null;
      if (this.closed) return;
      this.options.onState?.('reconnecting', `closed with ${String(code)}`);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.options.minBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 10_000;
    const base = Math.min(max, min * 2 ** this.attempt);
    // Full jitter: spread reconnects of many clients after a venue-wide drop.
    const delay = Math.floor(base / 2 + (this.options.random ?? Math.random)() * (base / 2));
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  send(payload: unknown): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(payload));
    return true;
  }

  /** Resolves once the socket is open (now or after the next (re)connect). */
  waitOpen(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.openWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    this.ws?.close();
    this.ws = null;
    this.options.onState?.('closed', 'closed by client');
    for (const w of this.openWaiters.splice(0)) w();
  }
}
