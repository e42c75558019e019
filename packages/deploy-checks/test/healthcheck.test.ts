// docker/healthcheck.mjs is the HEALTHCHECK of every Node image: exit 0 only for a 2xx answer from the local
// URL, 1 for an error status, a refused connection or a hang past the timeout; the port comes from $PORT.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../src/index.js';

const run = promisify(execFile);
const script = repoPath('docker', 'healthcheck.mjs');
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') res.writeHead(200).end('ok');
    else if (req.url === '/hang') return; // never answers
    else res.writeHead(503).end('starting');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function check(path: string, env: Record<string, string>): Promise<number> {
  try {
    await run(process.execPath, [script, path, '1'], { env: { ...process.env, ...env } });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

describe('docker/healthcheck.mjs', () => {
  it('passes on 2xx and fails on 5xx, using $PORT', async () => {
    expect(await check('/health', { PORT: String(port) })).toBe(0);
    expect(await check('/other', { PORT: String(port) })).toBe(1);
  });

  it('falls back to the default port argument and fails when nothing listens there', async () => {
    expect(await check('/health', { PORT: '' })).toBe(1);
  });

  it('fails when the server hangs past the timeout', async () => {
    expect(await check('/hang', { PORT: String(port), HEALTHCHECK_TIMEOUT_MS: '300' })).toBe(1);
  });
});
