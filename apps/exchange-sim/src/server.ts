/**
 * The simulator's single HTTP server: one port, routes by path prefix to the venues (`/polymarket/...` →
 * Polymarket with the prefix stripped, everything else → OKX), WebSocket upgrades via `ws`, `/health`,
 * `/admin/<venue>/...` and `/admin/restart` (drop every connection, stop listening, listen again with state kept).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { isRecord, parseJson, sendJson } from './http-util.js';
import type { SimVenue, VenueRequest } from './venue.js';

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

export interface SimServerOptions {
  host: string;
  port: number;
  venues: SimVenue[];
  logger: Logger;
  /** Called on a simulated restart so venues drop connections and held requests. */
  onRestart?: () => void;
}

export class SimServer {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(private readonly options: SimServerOptions) {
    this.server = this.createHttpServer();
  }

  get port(): number {
    return this.boundPort;
  }

  private createHttpServer(): Server {
    const server = createServer((req, res) => {
      void this.onRequest(req, res);
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://sim');
      for (const venue of this.venuesFor(url)) {
        const target = venue.name === 'polymarket' ? stripPrefix(url) : url;
        if (venue.handleUpgrade(req, socket, head, target)) return;
      }
      socket.destroy();
    });
    return server;
  }

  private venuesFor(url: URL): SimVenue[] {
    const isPolymarket = url.pathname === '/polymarket' || url.pathname.startsWith('/polymarket/');
    return this.options.venues.filter((v) => (v.name === 'polymarket') === isPolymarket);
  }

  async listen(port = this.options.port): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : port;
    return this.boundPort;
  }

  /** Simulated crash/restart: every connection drops, the port is closed for `downMs`, state is kept. */
  async restart(downMs = 500): Promise<void> {
    this.options.onRestart?.();
    await this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.server = this.createHttpServer();
    await this.listen(this.boundPort);
  }

  private async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.server.closeAllConnections();
    await closed;
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://sim');
      const rawBody = await readBody(req);
      if (url.pathname === '/health') {
        sendJson(res, 200, { status: 'ok', venues: this.options.venues.map((v) => v.name) });
        return;
      }
      if (url.pathname === '/admin/restart' && req.method === 'POST') {
        const body = parseJson(rawBody);
        const downMs = isRecord(body) && typeof body.downMs === 'number' ? body.downMs : 500;
        sendJson(res, 200, { ok: true, downMs });
        setTimeout(() => {
          void this.restart(downMs);
        }, 10);
        return;
      }
      const admin = /^\/admin\/([a-z]+)(\/|$)/.exec(url.pathname);
      if (admin) {
        const venue = this.options.venues.find((v) => v.name === admin[1]);
        if (venue && (await venue.handleAdmin({ req, res, url, rawBody }))) return;
        {
          sendJson(res, 404, { error: 'unknown admin route' });
          return;
        }
      }
      for (const venue of this.venuesFor(url)) {
        const request: VenueRequest = {
          req,
          res,
          url: venue.name === 'polymarket' ? stripPrefix(url) : url,
          rawBody,
        };
        if (await venue.handleHttp(request)) return;
      }
      sendJson(res, 404, { code: '50000', msg: 'Request path not found', data: [] });
    } catch (error) {
      this.options.logger.error({ err: error, url: req.url }, 'request failed');
      sendJson(res, 500, { code: '50001', msg: 'Service temporarily unavailable', data: [] });
    }
  }
}

function stripPrefix(url: URL): URL {
  const stripped = new URL(url.href);
  stripped.pathname = url.pathname.replace(/^\/polymarket/, '') || '/';
  return stripped;
}
