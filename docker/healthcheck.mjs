#!/usr/bin/env node
// Container HEALTHCHECK for the Node images (the slim runtime has no curl or wget): GET a local URL and exit 0
// on a 2xx answer within the timeout, 1 otherwise. Usage: node healthcheck.mjs <path> [default-port]
// The port is $PORT when set (compose may move a service), else the default given by the Dockerfile.
const [path = '/health', defaultPort = '3000'] = process.argv.slice(2);
const port = process.env.PORT && /^\d+$/.test(process.env.PORT) ? process.env.PORT : defaultPort;
const url = `http://127.0.0.1:${port}${path.startsWith('/') ? path : `/${path}`}`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(Number(process.env.HEALTHCHECK_TIMEOUT_MS ?? 4000)) });
  if (response.ok) process.exit(0);
  process.stderr.write(`healthcheck: ${url} answered ${response.status}\n`);
} catch (error) {
  process.stderr.write(`healthcheck: ${url} failed: ${error instanceof Error ? error.message : String(error)}\n`);
}
process.exit(1);
