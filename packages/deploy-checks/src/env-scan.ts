/**
 * Which environment variables an app reads, found statically in apps/<app>/src: `process.env.X`,
 * `process.env['X']`, destructuring of `process.env`, and the keys of zod (or similar) object schemas in the
 * app's config modules (files named env.ts / config.ts, or anything under a config/ folder) or in a module that
 * parses process.env inline (`z.object({...}).parse(process.env)` in an entry point), which is how the apps
 * validate their environment once at start; and calls of small accessor helpers that read `process.env[name]`
 * (`env('CMS_BACKEND_URL')`, `env(['NEXT', 'PUBLIC', 'API', 'URL'].join('_'))`).
 */
import { basename, dirname } from 'node:path';
import { appSourceFiles, readText, rel } from './repo.js';
import { lineOf, maskCommentsAndStrings, matchBracket, topLevelKeys } from './source-text.js';

export interface EnvRead {
  name: string;
  /** "apps/x/src/config/env.ts:12" — where the first read was found. */
  where: string;
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/** A file whose object-schema keys are environment variables. */
export function isConfigModule(path: string): boolean {
  const name = basename(path).replace(/\.[cm]?[jt]sx?$/, '');
  return /(^|[.-])(env|config|environment|settings)$/i.test(name) || /(^|[/\\])config$/.test(dirname(path));
}

/** Environment variable names read in one source text. */
export function envReadsInText(text: string, configModule: boolean): { name: string; index: number }[] {
  const masked = maskCommentsAndStrings(text);
  const found: { name: string; index: number }[] = [];
  const add = (name: string, index: number): void => {
    if (ENV_NAME.test(name)) found.push({ name, index });
  };
  // process.env.X, process.env?.X, process.env['X'], process.env["X"]
  for (const m of text.matchAll(/\bprocess\s*\.\s*env\s*(?:\?\.|\.)\s*([A-Za-z_]\w*)/g)) {
    if (masked[m.index] === 'p') add(m[1] ?? '', m.index);
  }
  for (const m of text.matchAll(/\bprocess\s*\.\s*env\s*(?:\?\.)?\[\s*(['"`])([A-Za-z_]\w*)\1\s*\]/g)) {
    if (masked[m.index] === 'p') add(m[2] ?? '', m.index);
  }
  // const { A, B: b, C = 'x' } = process.env
  for (const m of masked.matchAll(/\{([^{}]*)\}\s*=\s*process\s*\.\s*env\b/g)) {
    const body = text.slice(m.index + 1, m.index + 1 + (m[1] ?? '').length);
    for (const part of body.split(',')) {
      const key = /^\s*([A-Za-z_]\w*)/.exec(part)?.[1];
      if (key) add(key, m.index);
    }
  }
  // Keys of object schemas in config modules, or in any module that reads process.env (an entry point that
  // parses its environment inline): z.object({ PORT: ..., REDIS_URL: ... }), .extend({...}), ...
  if (configModule || /\bprocess\s*\.\s*env\b/.test(masked)) {
    for (const m of masked.matchAll(/\b(?:object|strictObject|looseObject|extend|merge|shape)\s*\(\s*\{/g)) {
      const open = m.index + m[0].length - 1;
      const close = matchBracket(masked, open);
      if (close === -1) continue;
      for (const { key, index } of topLevelKeys(text, masked, open, close)) add(key, index);
    }
  }
  return found;
}

/**
 * Names of helper functions that read `process.env[param]` with their own parameter, e.g.
 * `function env(name: string) { return process.env[name]; }` or `const env = (name: string) => process.env[name]`.
 */
export function envAccessors(text: string): string[] {
  const names: string[] = [];
  const patterns = [
    /\bfunction\s+([A-Za-z_$][\w$]*)\s*\(\s*([A-Za-z_$][\w$]*)/g,
    /\b(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?\(\s*([A-Za-z_$][\w$]*)[^)]*\)[^=;{]*=>/g,
  ];
  const masked = maskCommentsAndStrings(text);
  for (const pattern of patterns) {
    for (const m of masked.matchAll(pattern)) {
      const param = m[2] ?? '';
      // The body: from the match to the end of its braces (or of the arrow expression's line).
      const open = masked.indexOf('{', m.index + m[0].length - 1);
      const end = open === -1 ? masked.indexOf('\n', m.index) : matchBracket(masked, open);
      const body = masked.slice(m.index, end === -1 ? masked.length : end);
      if (new RegExp(`process\\s*\\.\\s*env\\s*\\[\\s*${param.replace(/\$/g, '\\$')}\\s*\\]`).test(body)) names.push(m[1] ?? '');
    }
  }
  return names;
}

/** A name passed as 'LITERAL' or as ['A', 'B'].join('_') (written so to keep bundlers from inlining it). */
const NAME_ARGUMENT = /^\s*(?:(['"`])([A-Z][A-Z0-9_]*)\1|\[\s*((?:(['"])[A-Z0-9]+\4\s*,?\s*)+)\]\s*\.\s*join\s*\(\s*(['"])_\5\s*\))/;

/** Variables read through accessor helpers: calls `accessor('NAME')` in a source text. */
export function envReadsThroughAccessors(text: string, accessors: readonly string[]): { name: string; index: number }[] {
  const found: { name: string; index: number }[] = [];
  for (const accessor of accessors) {
    for (const m of text.matchAll(new RegExp(`(?<![\\w$.])${accessor.replace(/\$/g, '\\$')}\\s*\\(`, 'g'))) {
      const arg = NAME_ARGUMENT.exec(text.slice(m.index + m[0].length));
      if (!arg) continue;
      const name = arg[2] ?? [...(arg[3] ?? '').matchAll(/[A-Z0-9]+/g)].map((p) => p[0]).join('_');
      if (ENV_NAME.test(name)) found.push({ name, index: m.index });
    }
  }
  return found;
}

/** Every variable an app reads, with the first place it is read. */
export function envReadsOfApp(app: string): EnvRead[] {
  const byName = new Map<string, EnvRead>();
  const files = appSourceFiles(app).map((file) => ({ file, text: readText(file) }));
  const accessors = [...new Set(files.flatMap(({ text }) => envAccessors(text)))];
  for (const { file, text } of files) {
    const reads = [...envReadsInText(text, isConfigModule(file)), ...envReadsThroughAccessors(text, accessors)];
    for (const { name, index } of reads) {
      if (!byName.has(name)) byName.set(name, { name, where: `${rel(file)}:${lineOf(text, index)}` });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
