// Every Compose file under docker/ is valid against the Compose Specification JSON Schema (the committed copy in
// docker/schema/compose-spec.json), after interpolation with the example values, and follows the platform's
// rules: includes resolve, every service has a healthcheck and a restart policy, files it mounts or builds
// exist, env files are documented by a .env.example, no secret is written into a compose file, and nothing
// but Caddy publishes a port on all interfaces.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  includesOf,
  interpolateDocument,
  isFile,
  isObject,
  loadCompose,
  readText,
  referencesIn,
  rel,
  repoPath,
  isSecretName,
  servicesOf,
  stringList,
  stringsIn,
} from '../src/index.js';
import { allServices, composeFiles, exampleEnvironment, exampleFor, groupComposeFiles, groupExamplePath } from './deployment.js';

const schemaPath = repoPath('docker', 'schema', 'compose-spec.json');
const schema = JSON.parse(readText(schemaPath)) as Record<string, unknown>;

function compileSchema(): (doc: unknown) => ErrorObject[] {
  // The upstream file declares "https://json-schema.org/draft-07/schema" (https, no '#'): Ajv's default class is
  // draft-07 and knows the meta-schema under its http URI, so the declaration is checked here and then dropped.
  const { $schema: _declared, ...body } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(body);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []));
}

describe('Compose Specification schema (docker/schema/compose-spec.json)', () => {
  it('is the draft-07 upstream schema', () => {
    expect(schema.$schema).toMatch(/json-schema\.org\/draft-07\/schema/);
    expect(schema.title).toBe('Compose Specification');
    expect(readText(repoPath('docker', 'schema', 'README.md'))).toMatch(/compose-spec\/compose-spec/);
  });

  it('rejects an invalid file (the validator really validates)', () => {
    const validate = compileSchema();
    expect(validate({ services: { web: { image: 'x', restart: 'unless-stopped' } } })).toEqual([]);
    const errors = validate({ services: { web: { image: 'x', imagee: 'typo', healthcheck: { interval: 10 } } } });
    expect(errors.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/services/web', '/services/web/healthcheck/interval']));
  });
});

describe('Compose files', () => {
  const files = composeFiles();
  const validate = compileSchema();

  it('exist for every group and the root', () => {
    expect(files.map(rel)).toEqual(
      expect.arrayContaining([
        'docker/compose.yaml',
        'docker/database/compose.yaml',
        'docker/trading-engine/compose.yaml',
        'docker/cms/compose.yaml',
        'docker/monitoring/compose.yaml',
      ]),
    );
  });

  for (const path of composeFiles()) {
    describe(rel(path), () => {
      const file = loadCompose(path);
      const example = groupExamplePath(file);
      const env = isFile(example) ? exampleEnvironment(example) : {};

      it('validates against the Compose Specification after interpolation with the .env.example values', () => {
        const doc = interpolateDocument(file.doc, env);
        const errors = validate(doc).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
        expect(errors, errors.join('\n')).toEqual([]);
      });

      it('documents every variable it interpolates in its .env.example', () => {
        const refs = [...stringsIn(file.doc)].flatMap((s) => referencesIn(s.value).map((r) => ({ ...r, at: s.path })));
        if (refs.length === 0) return;
        expect(isFile(example), `${rel(path)} interpolates variables: create ${rel(example)}`).toBe(true);
        const missing = refs.filter((r) => !(r.name in env)).map((r) => `${r.name} (used at ${r.at}): add a documented line \`${r.name}=\` to ${rel(example)}`);
        expect([...new Set(missing)], missing.join('\n')).toEqual([]);
      });

      it('includes only files that exist, each with its env file documented', () => {
        const problems: string[] = [];
        for (const entry of includesOf(file)) {
          for (const p of entry.paths) if (!isFile(p)) problems.push(`include ${rel(p)} does not exist`);
          for (const e of entry.envFiles) if (!isFile(`${e}.example`)) problems.push(`include env_file ${rel(e)} has no ${rel(e)}.example`);
        }
        expect(problems, problems.join('\n')).toEqual([]);
      });

      it('does not include two files that define the same service or volume', () => {
        const seen = new Map<string, string>();
        const clashes: string[] = [];
        for (const entry of includesOf(file)) {
          for (const p of entry.paths) {
            const included = loadCompose(p);
            for (const kind of ['services', 'volumes'] as const) {
              const section = included.doc[kind];
              for (const name of isObject(section) ? Object.keys(section) : []) {
                const key = `${kind}.${name}`;
                const first = seen.get(key);
                if (first) clashes.push(`${key} is defined by ${first} and ${rel(p)}`);
                else seen.set(key, rel(p));
              }
            }
          }
        }
        expect(clashes, clashes.join('\n')).toEqual([]);
      });
    });
  }

  it('root compose.yaml includes every group', () => {
    const root = loadCompose(repoPath('docker', 'compose.yaml'));
    const included = includesOf(root).flatMap((e) => e.paths.map(rel));
    const groups = groupComposeFiles().map((f) => rel(f.path));
    expect(included.sort()).toEqual(groups.sort());
  });
});

describe('services', () => {
  const services = allServices();

  it('exist', () => {
    expect(services.map((s) => s.name)).toEqual(
      expect.arrayContaining(['postgres', 'redis-master', 'redis-replica', 'redis-sentinel-1', 'redis-sentinel-2', 'redis-sentinel-3',
        'trading-engine', 'engine-okx', 'engine-polymarket', 'cms-backend', 'cms-worker', 'cms-frontend', 'caddy', 'prometheus', 'grafana']),
    );
  });

  for (const service of services) {
    describe(`${service.name} (${rel(service.file.path)})`, () => {
      const { def } = service;

      it('has a healthcheck and a restart policy', () => {
        const health = def.healthcheck;
        expect(isObject(health) && health.disable !== true && health.test !== undefined, `${service.name}: add a healthcheck with a test`).toBe(true);
        expect(['always', 'unless-stopped', 'on-failure'], `${service.name}: set restart: unless-stopped`).toContain(
          typeof def.restart === 'string' ? def.restart.replace(/:\d+$/, '') : def.restart,
        );
      });

      it('mounts and builds only files that exist', () => {
        const problems: string[] = [];
        for (const volume of Array.isArray(def.volumes) ? def.volumes : []) {
          if (typeof volume !== 'string') continue;
          const [source = '', , mode] = volume.split(':');
          // Read-only bind mounts are configuration we ship: they must be in the repository.
          if (/^\.\.?\//.test(source) && mode === 'ro' && !existsSync(resolve(service.file.dir, source))) {
            problems.push(`volume source ${source} does not exist`);
          }
        }
        if (service.dockerfile && !isFile(service.dockerfile)) problems.push(`dockerfile ${rel(service.dockerfile)} does not exist`);
        for (const envFile of service.envFiles) {
          try {
            exampleFor(envFile);
          } catch (error) {
            problems.push(error instanceof Error ? error.message : String(error));
          }
        }
        expect(problems, problems.join('\n')).toEqual([]);
      });

      it('holds no secret literally (secrets come from .env through ${VAR})', () => {
        const env = def.environment;
        const entries: [string, unknown][] = Array.isArray(env)
          ? env.filter((e): e is string => typeof e === 'string').map((e) => [e.split('=')[0] ?? '', e.includes('=') ? e.slice(e.indexOf('=') + 1) : undefined])
          : isObject(env)
            ? Object.entries(env)
            : [];
        const literal = entries
          .filter(([name, value]) => isSecretName(name) && typeof value === 'string' && referencesIn(value).length === 0 && !value.startsWith('/run/secrets/'))
          .map(([name]) => name);
        expect(literal, `${service.name}: use \${VAR} for ${literal.join(', ')}`).toEqual([]);
      });

      it('publishes ports on a chosen address only (Caddy alone listens on all interfaces)', () => {
        const open = stringList(def.ports).filter((p) => {
          const parts = p.replace(/\/(tcp|udp)$/, '').split(':');
          return parts.length < 3 || parts[0] === '0.0.0.0';
        });
        if (service.name === 'caddy') expect(open.sort()).toEqual(['443:443', '443:443/udp', '80:80']);
        else expect(open, `${service.name}: bind published ports to \${..._BIND_IP:-127.0.0.1}`).toEqual([]);
      });
    });
  }

  it('each group .env.example sits next to its compose file', () => {
    for (const file of groupComposeFiles()) {
      const hasRefs = [...stringsIn(file.doc)].some((s) => referencesIn(s.value).length > 0);
      if (hasRefs) expect(isFile(join(file.dir, '.env.example')), rel(file.dir)).toBe(true);
    }
    expect(servicesOf(loadCompose(repoPath('docker', 'compose.yaml')))).toEqual([]);
    expect(dirname(schemaPath)).toBe(repoPath('docker', 'schema'));
  });
});
