// The .env.example files are the whole configuration contract of a deployment: every variable an app reads
// (process.env.X or a key of its zod env schema) reaches every container that runs the app — through the
// env file's .env.example, the service's `environment:`, or the image — and every line of a .env.example is
// read by an app or interpolated by compose, and documented by a comment. Failures name the variable, the file
// that reads it, and the exact file to edit.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  appNames,
  declaredNames,
  envReadsOfApp,
  exampleOf,
  isSecretName,
  isFile,
  parseDockerfile,
  parseEnvExample,
  readText,
  referencesIn,
  rel,
  repoPath,
  stringsIn,
  walkFiles,
  type EnvRead,
} from '../src/index.js';
import { allServices, groupComposeFiles } from './deployment.js';

/** Set by the container runtime or by compose itself, not by a .env file. */
const RUNTIME_PROVIDED: Record<string, string> = {
  HOSTNAME: 'Docker sets it to the container id (or compose `hostname:`)',
  HOME: 'set by the image for the user',
  PATH: 'set by the image',
  INIT_CWD: 'set by npm for `npm run` scripts (command-line tools resolve paths against it), not configuration',
};
/** Read inside a dependency rather than in the app's source, counted as read when the app depends on it. */
const LIBRARY_READS: Record<string, { dependency: string; names: string[] }[]> = {
  'cms-frontend': [{ dependency: 'next-auth', names: ['NEXTAUTH_URL'] }],
};
/** Read by compose itself from the .env file (https://docs.docker.com/compose/how-tos/environment-variables/envvars/). */
const COMPOSE_RESERVED = new Set(['COMPOSE_PROFILES', 'COMPOSE_PROJECT_NAME', 'COMPOSE_FILE', 'COMPOSE_PATH_SEPARATOR']);

const services = allServices();
const readsByApp = new Map<string, EnvRead[]>(appNames().map((app) => [app, [...envReadsOfApp(app), ...libraryReads(app)]]));

function libraryReads(app: string): EnvRead[] {
  const pkg = JSON.parse(readText(repoPath('apps', app, 'package.json'))) as { dependencies?: Record<string, string> };
  return (LIBRARY_READS[app] ?? [])
    .filter((l) => pkg.dependencies?.[l.dependency] !== undefined)
    .flatMap((l) => l.names.map((name) => ({ name, where: `the ${l.dependency} dependency of apps/${app}` })));
}

/** Variables an image provides itself (ENV in its final stage, or ARG/ENV of a build stage for build-time values). */
function imageProvided(dockerfile: string | undefined): Set<string> {
  if (!dockerfile || !isFile(dockerfile)) return new Set();
  const { stages } = parseDockerfile(readText(dockerfile));
  return new Set(stages.flatMap((s) => s.instructions.flatMap(declaredNames)));
}

describe('environment variables the apps read', () => {
  it('are found in the apps (the scan works on the real code)', () => {
    const total = [...readsByApp.values()].reduce((n, reads) => n + reads.length, 0);
    expect(total).toBeGreaterThan(0);
  });

  it('every app is run by a Compose service', () => {
    const run = new Set(services.map((s) => s.app));
    const missing = appNames().filter((app) => !run.has(app));
    expect(missing, `no service builds docker/<app>.Dockerfile for: ${missing.join(', ')}`).toEqual([]);
  });

  for (const service of services.filter((s) => s.app !== undefined)) {
    const app = service.app ?? '';
    it(`reach ${service.name} (apps/${app}, ${rel(service.file.path)})`, () => {
      const examples = service.envFiles.map(exampleOf).filter(isFile);
      const documented = new Set(examples.flatMap((e) => parseEnvExample(readText(e)).map((x) => x.name)));
      const provided = imageProvided(service.dockerfile);
      const missing = (readsByApp.get(app) ?? [])
        .filter((r) => !(r.name in RUNTIME_PROVIDED) && !documented.has(r.name) && !service.environment.includes(r.name) && !provided.has(r.name))
        .map((r) => {
          const target = examples[0] ? rel(examples[0]) : `${rel(join(service.file.dir, '.env.example'))} (and add env_file: .env to ${service.name})`;
          return `apps/${app} reads ${r.name} (${r.where}) but service ${service.name} does not get it: add a documented line \`${r.name}=\` to ${target}, or set it under environment: of ${service.name} in ${rel(service.file.path)}`;
        });
      expect(missing, missing.join('\n')).toEqual([]);
    });
  }
});

describe('.env.example files', () => {
  const groups = groupComposeFiles();
  for (const file of groups) {
    const examplePath = join(file.dir, '.env.example');
    if (!isFile(examplePath)) continue;
    describe(rel(examplePath), () => {
      const entries = parseEnvExample(readText(examplePath));
      const interpolated = new Set([...stringsIn(file.doc)].flatMap((s) => referencesIn(s.value).map((r) => r.name)));
      const users = services.filter((s) => s.envFiles.some((e) => exampleOf(e) === examplePath));
      const readByUsers = new Map<string, string>();
      for (const s of users) for (const r of readsByApp.get(s.app ?? '') ?? []) readByUsers.set(r.name, `apps/${s.app ?? ''}`);

      it('defines each variable once, each documented by a comment in its paragraph', () => {
        const seen = new Set<string>();
        const problems: string[] = [];
        for (const e of entries) {
          if (seen.has(e.name)) problems.push(`${rel(examplePath)}:${e.line} defines ${e.name} twice`);
          seen.add(e.name);
          if (!e.documented) problems.push(`${rel(examplePath)}:${e.line} ${e.name} has no comment: say what it is, its unit, and whether it is a secret`);
        }
        expect(problems, problems.join('\n')).toEqual([]);
      });

      it('holds no stale variable (each is read by an app it is given to, or used by compose)', () => {
        const stale = entries
          .filter((e) => !readByUsers.has(e.name) && !interpolated.has(e.name) && !COMPOSE_RESERVED.has(e.name))
          .map((e) => `${rel(examplePath)}:${e.line} defines ${e.name}, but no app run with this file reads it (${users.map((u) => `apps/${u.app ?? '?'}`).join(', ') || 'no service uses it as env_file'}) and ${rel(file.path)} does not interpolate it: remove the line, or comment it out as "# ${e.name}=" if it is planned`);
        expect(stale, stale.join('\n')).toEqual([]);
      });

      it('leaves secrets empty (an example must never hold a usable secret)', () => {
        const filled = entries.filter((e) => isSecretName(e.name) && e.value !== '').map((e) => `${e.name}=${e.value}`);
        expect(filled, `${rel(examplePath)}: leave these empty`).toEqual([]);
      });
    });
  }

  it('outside the groups (project directories of docker/compose.yaml and docker/servers) hold only COMPOSE_* settings', () => {
    const groupExamples = new Set(groups.map((f) => join(f.dir, '.env.example')));
    const others = walkFiles(repoPath('docker'), (p) => p.endsWith('.env.example')).filter((p) => !groupExamples.has(p));
    expect(others.map(rel).sort()).toEqual(['docker/.env.example', 'docker/servers/.env.example']);
    for (const path of others) {
      const entries = parseEnvExample(readText(path));
      const wrong = entries.filter((e) => !COMPOSE_RESERVED.has(e.name) || !e.documented).map((e) => `${rel(path)}:${e.line} ${e.name}`);
      expect(wrong, `only documented COMPOSE_* settings belong here; app and group variables go to the group's .env.example`).toEqual([]);
    }
  });

  it('exist for every group that is given an env file', () => {
    for (const s of services) for (const e of s.envFiles) expect(isFile(exampleOf(e)), `${rel(exampleOf(e))} (env_file of ${s.name})`).toBe(true);
    expect(isFile(repoPath('docker', 'database', '.env.example'))).toBe(true);
  });
});
