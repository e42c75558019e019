// docker/cms/caddy/Caddyfile fits the compose file it runs in: every {$VAR} it reads is given to the caddy
// service, every upstream is a compose service on the port that service listens on, the backend gets /api and
// /socket.io, and metrics are never served publicly. When a caddy binary is installed (Debian: apt-get install
// caddy), `caddy adapt --validate` also checks the syntax and provisions every module.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isObject, loadCompose, readText, repoPath, servicesOf } from '../src/index.js';

const run = promisify(execFile);
const dir = repoPath('docker', 'cms');
const caddyfilePath = join(dir, 'caddy', 'Caddyfile');
const caddyfile = readText(caddyfilePath)
  .split('\n')
  .filter((l) => !l.trim().startsWith('#'))
  .join('\n');
const services = servicesOf(loadCompose(join(dir, 'compose.yaml')));
const caddy = services.find((s) => s.name === 'caddy');

const hasCaddy = spawnSync('caddy', ['version'], { stdio: 'ignore' }).status === 0;

describe('Caddyfile (docker/cms/caddy)', () => {
  it('is mounted into the caddy service', () => {
    expect(caddy?.def.volumes).toEqual(expect.arrayContaining(['./caddy/Caddyfile:/etc/caddy/Caddyfile:ro']));
  });

  it('reads only variables the caddy service gets', () => {
    const used = [...caddyfile.matchAll(/\{\$([A-Z0-9_]+)(?::[^}]*)?\}/g)].map((m) => m[1] ?? '');
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(caddy?.environment, `Caddyfile reads {$${name}}`).toContain(name);
  });

  it('proxies to compose services on the ports they listen on', () => {
    const upstreams = [
      ...[...caddyfile.matchAll(/reverse_proxy(?:\s+@\w+)?\s+([a-z0-9-]+):(\d+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
      ...[...caddyfile.matchAll(/dynamic a \{\s*name ([a-z0-9-]+)\s*port (\d+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    ];
    expect(upstreams).toEqual(expect.arrayContaining([['cms-backend', '3001'], ['cms-frontend', '3000']]));
    for (const [name, port] of upstreams) {
      const service = services.find((s) => s.name === name);
      const env = service?.def.environment;
      expect(isObject(env) ? env.PORT : undefined, `${name ?? ''} must listen on ${port ?? ''}`).toBe(port);
    }
  });

  it('routes the API and Socket.IO to the backend and hides every metrics path', () => {
    expect(caddyfile).toMatch(/@backend path \/api\/\* \/socket\.io\/\*/);
    const hidden = /@metrics path ([^\n]+)\n\s*respond @metrics 404/.exec(caddyfile)?.[1]?.split(/\s+/) ?? [];
    expect(hidden).toEqual(expect.arrayContaining(['/metrics', '/api/system/metrics']));
    // The metrics block must come before the backend proxy, or /api/system/metrics would be proxied first.
    expect(caddyfile.indexOf('respond @metrics 404')).toBeLessThan(caddyfile.indexOf('reverse_proxy @backend'));
  });

  it.runIf(hasCaddy)('passes caddy adapt --validate', async () => {
    const { stdout } = await run('caddy', ['adapt', '--config', caddyfilePath, '--adapter', 'caddyfile', '--validate'], {
      env: { ...process.env, CMS_DOMAIN: 'cms.example.com', ACME_EMAIL: 'ops@example.com' },
    });
    const config = JSON.parse(stdout) as { apps?: { http?: unknown } };
    expect(config.apps?.http).toBeDefined();
  });
});
