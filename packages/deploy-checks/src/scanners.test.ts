import { describe, expect, it } from 'vitest';
import { interpolate, referencesIn } from './compose.js';
import { dockerfileProblems } from './dockerfile.js';
import { parseEnvExample } from './env-example.js';
import { envAccessors, envReadsInText, envReadsThroughAccessors, isConfigModule } from './env-scan.js';
import { metricsInText, seriesNames } from './metrics-scan.js';

describe('envReadsInText', () => {
  it('finds process.env reads in every spelling, not in comments or strings', () => {
    const text = [
      "const a = process.env.REDIS_URL ?? 'x';",
      "const b = process.env['ENGINE_ID'];",
      'const { SUPPORTED_EXCHANGES, LOG_LEVEL: level = "info" } = process.env;',
      '// process.env.COMMENTED_OUT',
      "const s = 'process.env.IN_STRING';",
      'const lower = process.env.npm_config_x;',
    ].join('\n');
    expect(envReadsInText(text, false).map((r) => r.name)).toEqual(['REDIS_URL', 'ENGINE_ID', 'SUPPORTED_EXCHANGES', 'LOG_LEVEL']);
  });

  it('is not thrown off by regex literals holding //, quotes or brackets', () => {
    const text = `const schema = z.object({
      REDIS_URL: z.string().regex(/^rediss?:\\/\\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
      LIST: z.string().regex(/^([^,:'"]+:\\d{1,5})(,[^,:]+)*$/),
      AFTER: z.string(),
    });
    const ratio = a / b / c;`;
    expect(envReadsInText(text, true).map((r) => r.name)).toEqual(['REDIS_URL', 'LIST', 'AFTER']);
  });

  it('reads the top-level keys of zod schemas in config modules only', () => {
    const text = `const schema = z.object({
      PORT: z.coerce.number().default(3001),
      REDIS_SENTINELS: z.string().optional(),
      nested: z.object({ inner: z.string() }),
      'QUOTED_KEY': z.string().refine((v) => ({ NOT_A_KEY: v }), 'x'),
    }).superRefine(() => {});`;
    expect(envReadsInText(text, true).map((r) => r.name)).toEqual(['PORT', 'REDIS_SENTINELS', 'QUOTED_KEY']);
    expect(envReadsInText(text, false)).toEqual([]);
    // An entry point parsing its environment inline counts too.
    expect(envReadsInText(`const env = z.object({ SEED: z.coerce.number() }).parse(process.env);`, false).map((r) => r.name)).toEqual(['SEED']);
    expect(isConfigModule('/x/apps/a/src/config/env.ts')).toBe(true);
    expect(isConfigModule('/x/apps/a/src/config.ts')).toBe(true);
    expect(isConfigModule('/x/apps/a/src/bots/bot-runner.ts')).toBe(false);
  });
});

describe('env accessor helpers', () => {
  it('finds variables read through a helper, including names joined to dodge bundler inlining', () => {
    const lib = `function env(name: string): string | undefined {
      const value = process.env[name];
      return value === '' ? undefined : value;
    }
    const read = (key: string) => process.env[key] ?? '';
    function unrelated(x: string) { return x; }`;
    expect(envAccessors(lib)).toEqual(['env', 'read']);
    const use = "env('CMS_BACKEND_URL') ?? env(['NEXT', 'PUBLIC', 'API', 'URL'].join('_')); read(\"PORT\"); unrelated('NOT_ENV'); x.env('NO')";
    expect(envReadsThroughAccessors(use, ['env', 'read']).map((r) => r.name)).toEqual(['CMS_BACKEND_URL', 'NEXT_PUBLIC_API_URL', 'PORT']);
  });
});

describe('parseEnvExample', () => {
  it('knows defined, documented and commented-out variables', () => {
    const entries = parseEnvExample('# doc\nA=1\nB="two"\n\nC=\n# D=planned\n');
    expect(entries).toEqual([
      { name: 'A', value: '1', line: 2, documented: true },
      { name: 'B', value: 'two', line: 3, documented: true },
      { name: 'C', value: '', line: 5, documented: false },
    ]);
  });
});

describe('compose interpolation', () => {
  it('substitutes like docker compose and refuses a missing required variable', () => {
    const env = { A: 'a', EMPTY: '' };
    expect(interpolate('${A}-${EMPTY:-d}-${EMPTY-d}-${MISSING:-${A}}-$$HOME-$A', env)).toBe('a-d--a-$HOME-a');
    expect(() => interpolate('${EMPTY:?set EMPTY}', env)).toThrow(/EMPTY/);
    expect(referencesIn('${X:?e} ${Y:-${Z}} $$NOT $W')).toEqual([
      { name: 'X', hasDefault: false, required: true },
      { name: 'Y', hasDefault: true, required: false },
      { name: 'Z', hasDefault: false, required: false },
      { name: 'W', hasDefault: false, required: false },
    ]);
  });
});

describe('metricsInText', () => {
  it('finds prom-client registrations, constant prefixes and the default-metrics prefix', () => {
    const text = `
      const PREFIX = 'trading_engine_';
      export const orders = new client.Counter({ name: 'trading_engine_orders_total', help: 'Orders', labelNames: ['exchange'] });
      const latency = new Histogram<'venue'>({ name: \`\${PREFIX}order_latency_seconds\`, help: 'Latency', buckets: [0.1] });
      const viaHelper = gauge({ name: PREFIX + 'bots_running', help: 'Bots' });
      const notAMetric = { name: 'just-a-name' };
      collectDefaultMetrics({ register: registry, prefix: 'cms_' });`;
    const found = metricsInText(text);
    expect(found.defs.map((d) => [d.name, d.type])).toEqual([
      ['trading_engine_orders_total', 'counter'],
      ['trading_engine_order_latency_seconds', 'histogram'],
      ['trading_engine_bots_running', 'unknown'],
    ]);
    expect(found.callsDefault).toBe(true);
    expect(found.defaultPrefix).toBe('cms_');
    expect(seriesNames({ name: 'h', type: 'histogram' })).toContain('h_bucket');
    expect(seriesNames({ name: 'c_total', type: 'counter' })).toEqual(['c_total']);
  });
});

describe('dockerfileProblems', () => {
  const good = [
    'FROM node:20-bookworm-slim AS build',
    'RUN npm ci',
    'FROM node:20-bookworm-slim',
    'ENV NODE_ENV=production PORT=3000',
    'USER node',
    'HEALTHCHECK CMD ["node", "h.mjs"]',
    'CMD ["node", "main.js"]',
  ];
  it('accepts a multi-stage, non-root, health-checked image', () => {
    expect(dockerfileProblems(good.join('\n'))).toEqual([]);
  });
  it('names each broken rule', () => {
    const bad = ['FROM node:20', 'ARG NPM_TOKEN', 'ENV JWT_SECRET=abc \\', '  OTHER=1', 'COPY .env ./', 'USER root', 'CMD ["node"]'];
    const messages = dockerfileProblems(bad.join('\n')).map((p) => p.message);
    expect(messages).toEqual([
      'multi-stage build expected, found 1 FROM',
      'final stage runs as root (USER root)',
      'final stage has no HEALTHCHECK',
      'ARG NPM_TOKEN looks like a secret: pass it at run time, never in the image',
      'ENV JWT_SECRET looks like a secret: pass it at run time, never in the image',
      'COPY .env would bake an env file into the image',
    ]);
  });
  it('allows copying .env.example', () => {
    expect(dockerfileProblems([...good, 'COPY .env.example ./'].join('\n'))).toEqual([]);
  });
});
