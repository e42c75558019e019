// Every image of the platform is built the same way: multi-stage (monorepo build stage, slim runtime), non-root,
// with a HEALTHCHECK and a command, no secret in ENV/ARG, no env file copied in, and a root .dockerignore that
// keeps .env files, dependencies and build output out of the build context. Every Dockerfile is used by a
// Compose service and every app image it builds starts the app's own build output.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appNames, dockerfileProblems, isFile, parseDockerfile, readText, rel, repoPath } from '../src/index.js';
import { allServices, dockerfiles } from './deployment.js';

describe('.dockerignore', () => {
  const path = repoPath('.dockerignore');

  it('exists at the repository root and keeps env files, dependencies and build output out', () => {
    expect(isFile(path)).toBe(true);
    const patterns = readText(path)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const required of ['**/.env', '**/node_modules', '**/dist', '**/.next', '.git']) expect(patterns).toContain(required);
    expect(patterns).toContain('!**/.env.example');
  });
});

describe('Dockerfiles', () => {
  const files = dockerfiles();

  it('exist for the engine, the backend and the dashboard, one convention (docker/<app>.Dockerfile)', () => {
    const names = files.map((f) => basename(f));
    expect(names).toEqual(expect.arrayContaining(['trading-engine.Dockerfile', 'cms-backend.Dockerfile', 'cms-frontend.Dockerfile']));
    for (const f of files) expect(rel(f)).toMatch(/^docker\/[a-z0-9-]+\.Dockerfile$/);
    const apps = appNames();
    for (const name of names) expect(apps).toContain(name.replace('.Dockerfile', ''));
  });

  for (const file of dockerfiles()) {
    describe(rel(file), () => {
      const text = readText(file);
      const { stages } = parseDockerfile(text);
      const app = basename(file).replace('.Dockerfile', '');

      it('follows the image rules', () => {
        const problems = dockerfileProblems(text).map((p) => `${rel(file)}:${p.line} ${p.message}`);
        expect(problems, problems.join('\n')).toEqual([]);
      });

      it('builds the app with npm ci and turbo in a build stage and runs on a slim Node image', () => {
        const build = stages.slice(0, -1).flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args));
        expect(build.some((r) => /\bnpm ci\b/.test(r))).toBe(true);
        expect(build.some((r) => r.includes(`turbo run build --filter=@trading/${app}`))).toBe(true);
        expect(build.some((r) => new RegExp(`turbo(@[\\d.]+)? prune @trading/${app} --docker`).test(r)), 'turbo prune of the same app').toBe(true);
        const final = stages.at(-1);
        const arg = /^\$\{?(\w+)\}?$/.exec(final?.from ?? '')?.[1];
        const image = arg ? (/ARG\s+\w+=(\S+)/.exec(text.match(new RegExp(`^ARG ${arg}=\\S+`, 'm'))?.[0] ?? '')?.[1] ?? '') : (final?.from ?? '');
        expect(image).toMatch(/^node:20[\w.-]*-(bookworm-slim|alpine[\w.]*)$/);
      });

      it('starts the entry point the app builds', () => {
        const cmd = stages.at(-1)?.instructions.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '[]';
        const args = JSON.parse(cmd) as unknown;
        expect(Array.isArray(args) && args[0] === 'node', 'CMD must be the exec form ["node", "<entry>"] so node is PID 1 and gets SIGTERM').toBe(true);
        const entry = Array.isArray(args) ? String(args[1]) : '';
        const dist = new RegExp(`^apps/${app}/dist/(.+)\\.js$`).exec(entry);
        if (dist) {
          const source = repoPath('apps', app, 'src', `${dist[1] ?? ''}.ts`);
          expect(isFile(source), `${entry} is built from ${rel(source)}, which does not exist`).toBe(true);
        } else {
          // Next standalone output: apps/<app>/server.js inside .next/standalone, produced only with output: 'standalone'.
          expect(entry).toBe(`apps/${app}/server.js`);
          expect(readText(repoPath('apps', app, 'next.config.ts'))).toMatch(/output:\s*['"]standalone['"]/);
        }
      });

      it('is built by a Compose service', () => {
        const users = allServices().filter((s) => s.dockerfile === file);
        expect(users.length, `${rel(file)} is not used by any service in docker/*/compose.yaml`).toBeGreaterThan(0);
      });

      it('copies the whole context only with .env excluded by .dockerignore', () => {
        const copiesAll = stages.some((s) => s.instructions.some((i) => i.keyword === 'COPY' && /^\.\s+\S+$/.test(i.args)));
        if (copiesAll) expect(readText(repoPath('.dockerignore'))).toMatch(/^\*\*\/\.env$/m);
      });
    });
  }
});
