/**
 * Reads the Compose files under docker/ the way `docker compose` would, without Docker: YAML with anchors and
 * merge keys, variable interpolation (`${VAR}`, `${VAR:-default}`, `${VAR:?error}`, `$$` escapes), and the
 * `include` graph. Also lists what each service gets as environment (env_file, environment, image build).
 */
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { isFile, readText, rel } from './repo.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, Json>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parse YAML the way Compose does (YAML 1.1 merge keys `<<:` allowed, anchors resolved). */
export function parseYaml(text: string): unknown {
  return parse(text, { merge: true, maxAliasCount: 1000 }) as unknown;
}

export interface Interpolation {
  name: string;
  /** True when the reference has a default (`:-`/`-`) and so works without the variable. */
  hasDefault: boolean;
  /** True for `:?` / `?`: compose refuses to start without a value. */
  required: boolean;
}

const REFERENCE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Variables referenced by one string value. */
export function referencesIn(value: string): Interpolation[] {
  const refs: Interpolation[] = [];
  for (const m of value.matchAll(REFERENCE)) {
    if (m[0] === '$$') continue;
    const name = m[1] ?? m[4] ?? '';
    const op = m[2] ?? '';
    refs.push({ name, hasDefault: op.endsWith('-') || op.endsWith('+'), required: op.endsWith('?') });
    // Defaults may hold further references: ${A:-${B}}.
    if (m[3]) refs.push(...referencesIn(m[3]));
  }
  return refs;
}

/** Substitute variables like Compose; an unset `:?` variable throws with Compose's own message. */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(REFERENCE, (whole, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const name = braced ?? bare ?? '';
    const current = env[name];
    const argument = interpolate(arg ?? '', env);
    switch (op) {
      case ':-':
        return current === undefined || current === '' ? argument : current;
      case '-':
        return current ?? argument;
      case ':?':
        if (current === undefined || current === '') throw new Error(`required variable ${name} is missing a value: ${argument}`);
        return current;
      case '?':
        if (current === undefined) throw new Error(`required variable ${name} is missing a value: ${argument}`);
        return current;
      case ':+':
        return current === undefined || current === '' ? '' : argument;
      case '+':
        return current === undefined ? '' : argument;
      case undefined:
      default:
        return current ?? '';
    }
  });
}

/** Every string in a parsed document, with its path (for interpolation scans). Keys are never interpolated. */
export function* stringsIn(value: unknown, path = ''): Generator<{ path: string; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsIn(item, `${path}[${i}]`);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) yield* stringsIn(v, path ? `${path}.${k}` : k);
}

/** Deep copy with every string interpolated. */
export function interpolateDocument(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => interpolateDocument(v, env));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDocument(v, env)]));
  return value;
}

export interface ComposeFile {
  path: string;
  dir: string;
  doc: JsonObject;
}

export function loadCompose(path: string): ComposeFile {
  const doc = parseYaml(readText(path));
  if (!isObject(doc)) throw new Error(`${rel(path)} is not a YAML mapping`);
  return { path, dir: dirname(path), doc };
}

/** Strings or a list of strings (Compose's string_or_list). */
export function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

export interface IncludeEntry {
  paths: string[];
  envFiles: string[];
}

/** The `include` entries of a file, resolved to absolute paths. */
export function includesOf(file: ComposeFile): IncludeEntry[] {
  const include = file.doc.include;
  if (include === undefined) return [];
  if (!Array.isArray(include)) throw new Error(`${rel(file.path)}: include must be a list`);
  return include.map((entry) => {
    if (typeof entry === 'string') return { paths: [resolve(file.dir, entry)], envFiles: [] };
    if (!isObject(entry)) throw new Error(`${rel(file.path)}: include entry must be a string or a mapping`);
    return {
      paths: stringList(entry.path).map((p) => resolve(file.dir, p)),
      envFiles: stringList(entry.env_file).map((p) => resolve(file.dir, p)),
    };
  });
}

export interface ServiceInfo {
  name: string;
  file: ComposeFile;
  def: JsonObject;
  /** env files given to the container, absolute paths (the real `.env`, which is not in git). */
  envFiles: string[];
  /** Variable names set by `environment:`. */
  environment: string[];
  /** docker/<app>.Dockerfile when the service builds one of our images. */
  dockerfile: string | undefined;
}

export function servicesOf(file: ComposeFile): ServiceInfo[] {
  const services = file.doc.services;
  if (!isObject(services)) return [];
  return Object.entries(services).map(([name, raw]) => {
    const def = isObject(raw) ? raw : {};
    const envFiles: string[] = [];
    const envFile = def.env_file;
    for (const item of Array.isArray(envFile) ? envFile : envFile === undefined ? [] : [envFile]) {
      if (typeof item === 'string') envFiles.push(resolve(file.dir, item));
      else if (isObject(item) && typeof item.path === 'string') envFiles.push(resolve(file.dir, item.path));
    }
    const env = def.environment;
    const environment = Array.isArray(env)
      ? env.filter((e): e is string => typeof e === 'string').map((e) => e.split('=')[0] ?? '')
      : isObject(env)
        ? Object.keys(env)
        : [];
    let dockerfile: string | undefined;
    const build = def.build;
    if (isObject(build)) {
      const context = resolve(file.dir, typeof build.context === 'string' ? build.context : '.');
      dockerfile = join(context, typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile');
    } else if (typeof build === 'string') {
      dockerfile = join(resolve(file.dir, build), 'Dockerfile');
    }
    return { name, file, def, envFiles, environment, dockerfile };
  });
}

/** The example file documenting an env file: `x/.env` → `x/.env.example`. */
export function exampleOf(envFile: string): string {
  return `${envFile}.example`;
}

/** The .env.example of a compose file's directory, when it exists. */
export function groupExample(file: ComposeFile): string | undefined {
  const path = join(file.dir, '.env.example');
  return isFile(path) ? path : undefined;
}
