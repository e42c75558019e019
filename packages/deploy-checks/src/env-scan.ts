/**
 * Which environment variables an app reads, found statically in apps/<app>/src: `process.env.X`,
 * `process.env['X']`, destructuring of `process.env`, and the keys of zod (or similar) object schemas in the
 * app's config modules (files named env.ts / config.ts, or anything under a config/ folder) or in a module that
 * parses process.env inline (`z.object({...}).parse(process.env)` in an entry point), which is how the apps
 * validate their environment once at start.
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

/** Every variable an app reads, with the first place it is read. */
export function envReadsOfApp(app: string): EnvRead[] {
  const byName = new Map<string, EnvRead>();
  for (const file of appSourceFiles(app)) {
    const text = readText(file);
    for (const { name, index } of envReadsInText(text, isConfigModule(file))) {
      if (!byName.has(name)) byName.set(name, { name, where: `${rel(file)}:${lineOf(text, index)}` });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
