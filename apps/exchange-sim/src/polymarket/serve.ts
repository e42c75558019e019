/**
 * Serves one venue on a bare node:http server with the one-port layout (REST under /polymarket, WS under
 * /polymarket/ws/*, admin under /admin/polymarket). Used by tests and by anyone running the Polymarket venue
 * alone; the full simulator (server.ts) does the same routing for every venue.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimVenue } from '../venue.js';

export interface ServedVenue {
  server: Server;
  port: number;
  /** http://127.0.0.1:<port>/polymarket (the SDK host). */
  restUrl: string;
  wsMarketUrl: string;
  wsUserUrl: string;
  adminUrl: string;
  close(): Promise<void>;
}

export async function serveVenue(venue: SimVenue, port = 0): Promise<ServedVenue> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const isAdmin = url.pathname.startsWith('/admin/polymarket');
      if (!isAdmin && url.pathname.startsWith('/polymarket')) url.pathname = url.pathname.slice('/polymarket'.length) || '/';
      const handled = isAdmin ? venue.handleAdmin({ req, res, url, rawBody }) : venue.handleHttp({ req, res, url, rawBody });
      handled
        .then((ok) => {
          if (!ok && !res.headersSent) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: 'not found' }));
          }
        })
        .catch((e: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: e instanceof Error ? e.message : 'internal error' }));
        });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!venue.handleUpgrade(req, socket, head, url)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  const base = `127.0.0.1:${String(actual)}`;
  return {
    server,
    port: actual,
    restUrl: `http://${base}/polymarket`,
    wsMarketUrl: `ws://${base}/polymarket/ws/market`,
    wsUserUrl: `ws://${base}/polymarket/ws/user`,
    adminUrl: `http://${base}/admin/polymarket`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
