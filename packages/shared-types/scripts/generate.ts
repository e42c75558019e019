/**
 * Turns schemas/ into src/generated/: TypeScript types (json-schema-to-typescript), precompiled Ajv validators
 * (standalone code: no schema compilation at run time), the decimal paths each input schema normalises, and
 * the constants (enums, channel/queue/key names, order status rank).
 *
 * Conventions the generator enforces (so that the output is predictable):
 * - every file has a unique `$id` equal to its file name and a `title` (the TypeScript type name);
 * - a `$ref` names a whole file (`"exchange.json"`); there are no `definitions` inside files;
 * - schemas under `api/` named `*-request.json` and everything under `strategies/` are *input* schemas: wherever
 *   they (transitively) use a decimal, a JSON number is accepted too and normalised to its shortest decimal string.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import { compile } from 'json-schema-to-typescript';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const here = dirname(fileURLToPath(import.meta.url));
const schemasDir = join(here, '../../../schemas');
// An explicit folder (used by the freshness test) leaves the committed files alone.
const outDir = process.argv[2] ? resolve(process.argv[2]) : join(here, '../src/generated');

const DECIMAL_IDS = new Set(['decimal.json', 'positive-decimal.json', 'non-negative-decimal.json']);

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface SchemaFile {
  id: string;
  title: string;
  group: string;
  schema: JsonObject;
  input: boolean;
}

function listJsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listJsonFiles(path);
      return entry.name.endsWith('.json') ? [path] : [];
    })
    .sort();
}

function loadSchemas(): SchemaFile[] {
  const files = listJsonFiles(schemasDir);
  const seen = new Map<string, string>();
  return files.map((path) => {
    const rel = relative(schemasDir, path);
    const schema = JSON.parse(readFileSync(path, 'utf8')) as JsonObject;
    const id = schema.$id;
    const title = schema.title;
    const fileName = rel.split('/').pop() ?? rel;
    if (id !== fileName) throw new Error(`${rel}: $id must be "${fileName}"`);
    if (typeof title !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(title)) throw new Error(`${rel}: title must be PascalCase`);
    if ('definitions' in schema) throw new Error(`${rel}: no definitions inside a schema file; give the type its own file`);
    const previous = seen.get(id);
    if (previous !== undefined) throw new Error(`${rel}: $id ${id} already used by ${previous}`);
    seen.set(id, rel);
    const group = rel.split('/')[0] ?? '';
    const input = (group === 'api' && fileName.endsWith('-request.json')) || group === 'strategies';
    return { id, title, group, schema, input };
  });
}

/** Inline every $ref of an input schema; decimals become "decimal string or JSON number". */
function toInputSchema(node: Json, byId: Map<string, SchemaFile>, path: string[], decimalPaths: string[][]): Json {
  if (Array.isArray(node)) return node.map((item) => toInputSchema(item, byId, path, decimalPaths));
  if (!isObject(node)) return node;
  const refValue = node.$ref;
  if (typeof refValue === 'string') {
    const target = byId.get(refValue);
    if (!target) throw new Error(`unknown $ref ${refValue}`);
    if (DECIMAL_IDS.has(refValue)) {
      decimalPaths.push(path);
      const { $schema: _s, $id: _i, title: _t, ...decimal } = target.schema;
      // A JSON number must obey the same sign rule as the string form (a negative number is no positive decimal).
      const numberForm: JsonObject =
        refValue === 'positive-decimal.json'
          ? { type: 'number', exclusiveMinimum: 0 }
          : refValue === 'non-negative-decimal.json'
            ? { type: 'number', minimum: 0 }
            : { type: 'number' };
      return { anyOf: [decimal, numberForm] };
    }
    const { $schema: _s, $id: _i, ...rest } = target.schema;
    return toInputSchema(rest, byId, path, decimalPaths);
  }
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isObject(value)) {
      result[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, toInputSchema(sub, byId, [...path, name], decimalPaths)]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && isObject(value)) {
      result[key] = toInputSchema(value, byId, [...path, '*'], decimalPaths);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(value)) {
      result[key] = value.map((sub) => toInputSchema(sub, byId, path, decimalPaths));
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** One combined document for json-schema-to-typescript: whole-file refs become local definition refs. */
function rewriteRefsForTypes(node: Json, byId: Map<string, SchemaFile>): Json {
  if (Array.isArray(node)) return node.map((item) => rewriteRefsForTypes(item, byId));
  if (!isObject(node)) return node;
  // draft-07 ignores the siblings of $ref; dropping them keeps one TypeScript name per referenced type.
  if (typeof node.$ref === 'string') {
    const target = byId.get(node.$ref);
    if (!target) throw new Error(`unknown $ref ${node.$ref}`);
    return { $ref: `#/definitions/${target.title}` };
  }
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const target = byId.get(value);
      if (!target) throw new Error(`unknown $ref ${value}`);
      result[key] = `#/definitions/${target.title}`;
    } else if (key === '$id' || key === '$schema' || key === 'discriminator') {
      continue;
    } else {
      result[key] = rewriteRefsForTypes(value, byId);
    }
  }
  return result;
}

/**
 * Ajv's standalone ESM output still calls require() for its runtime helpers (ucs2length, deep equal, formats).
 * A createRequire() keeps those calls exact under Node and vitest; the file is therefore Node-only, and the
 * browser entry (src/browser.ts) does not import it.
 */
function requireToCreateRequire(code: string): string {
  const body = code.replace(/^"use strict";/, '');
  return `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${body}`;
}

function describeSchema(file: SchemaFile): string {
  return typeof file.schema.description === 'string' ? file.schema.description : file.title;
}

function constName(title: string): string {
  return title.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

const banner = '// Generated by packages/shared-types/scripts/generate.ts from schemas/. Do not edit; run `npm run generate`.\n';

async function main(): Promise<void> {
  const files = loadSchemas();
  const byId = new Map(files.map((file) => [file.id, file]));
  mkdirSync(outDir, { recursive: true });

  // 1. Types.
  const definitions: JsonObject = {};
  for (const file of files) definitions[file.title] = rewriteRefsForTypes(file.schema, byId);
  const types = await compile(
    { title: 'SchemaRoot', type: 'object', additionalProperties: false, definitions } as Parameters<typeof compile>[0],
    'SchemaRoot',
    { bannerComment: '', unreachableDefinitions: true, additionalProperties: true, strictIndexSignatures: true, maxItems: -1, unknownAny: true, format: true },
  );
  const typesWithoutRoot = types
    .replace(/export interface SchemaRoot \{[^}]*\}\n?/, '')
    .replace(/\n \*\n \* This interface was referenced by `SchemaRoot`'s JSON-Schema\n \* via the `definition` "\w+"\./g, '');
  writeFileSync(join(outDir, 'types.ts'), `${banner}/* eslint-disable */\n${typesWithoutRoot}`);

  // 2. Validators (inputs compiled from their inlined, number-accepting form).
  const ajv = new Ajv({
    code: { source: true, esm: true, lines: false },
    discriminator: true,
    allErrors: true,
    strict: true,
    strictRequired: false,
  });
  const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => void }).default;
  addFormats(ajv);
  const decimalPathsBySchema: Record<string, string[][]> = {};
  for (const file of files) {
    if (file.input) {
      const paths: string[][] = [];
      const inlined = toInputSchema(file.schema, byId, [], paths) as JsonObject;
      decimalPathsBySchema[file.title] = paths;
      ajv.addSchema({ ...inlined, $id: file.id });
    } else {
      ajv.addSchema(file.schema);
    }
  }
  const exportsMap = Object.fromEntries(files.map((file) => [file.title, file.id]));
  const standaloneCode = (standaloneCodeModule as unknown as { default: (a: Ajv, refs: Record<string, string>) => string })
    .default;
  const code = requireToCreateRequire(standaloneCode(ajv, exportsMap));
  writeFileSync(join(outDir, 'validators.ts'), `${banner}// @ts-nocheck\n/* eslint-disable */\n${code}\n`);

  // 3. Schema map: names, typed validator table, decimal paths, raw schemas (for OpenAPI and dashboard forms).
  const names = files.map((file) => file.title);
  const schemaMap = [
    banner,
    "import * as compiled from './validators.js';",
    `import type * as T from './types.js';`,
    "import type { CompiledValidator } from '../validator-types.js';",
    '',
    `export const SCHEMA_NAMES = ${JSON.stringify(names)} as const;`,
    'export type SchemaName = (typeof SCHEMA_NAMES)[number];',
    '',
    '/** The TypeScript type each schema describes (for input schemas: after decimal normalisation). */',
    'export interface SchemaTypes {',
    ...names.map((name) => `  ${name}: T.${name};`),
    '}',
    '',
    'export const compiledValidators = compiled as unknown as Record<SchemaName, CompiledValidator>;',
    '',
    '/** Where an input schema accepts a JSON number for a decimal ("*" = every key or item). */',
    `export const DECIMAL_INPUT_PATHS: Partial<Record<SchemaName, readonly (readonly string[])[]>> = ${JSON.stringify(decimalPathsBySchema)};`,
    '',
    '/** Schema group (folder under schemas/) of each schema. */',
    `export const SCHEMA_GROUPS: Record<SchemaName, string> = ${JSON.stringify(Object.fromEntries(files.map((f) => [f.title, f.group])))};`,
    '',
    '/** Schema file id of each schema, for $ref resolution in OpenAPI and forms. */',
    `export const SCHEMA_IDS: Record<SchemaName, string> = ${JSON.stringify(exportsMap)};`,
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'schema-map.ts'), schemaMap);

  const rawSchemas = Object.fromEntries(files.map((file) => [file.title, file.schema]));
  writeFileSync(
    join(outDir, 'schemas.ts'),
    `${banner}/* eslint-disable */\n/** The JSON Schemas themselves, by title (draft-07, whole-file $refs by $id). */\nexport const SCHEMAS = ${JSON.stringify(rawSchemas, null, 2)} as const;\n`,
  );

  // 4. Constants: every enum schema, and every constants/ schema.
  const constantLines: string[] = [banner];
  for (const file of files) {
    const values = file.schema.enum;
    if (file.group === 'common' && Array.isArray(values)) {
      constantLines.push(`/** ${describeSchema(file)} */`);
      constantLines.push(`export const ${constName(file.title)}_VALUES = ${JSON.stringify(values)} as const;`, '');
    }
    if (file.group === 'constants') {
      const properties = file.schema.properties;
      if (!isObject(properties)) throw new Error(`${file.id}: constants need properties`);
      const entries = Object.entries(properties).map(([key, value]) => {
        if (!isObject(value) || !('const' in value)) throw new Error(`${file.id}: ${key} needs a const`);
        return [key, value.const] as const;
      });
      constantLines.push(`/** ${describeSchema(file)} */`);
      constantLines.push(`export const ${constName(file.title)} = ${JSON.stringify(Object.fromEntries(entries), null, 2)} as const;`, '');
    }
  }
  writeFileSync(join(outDir, 'constants.ts'), constantLines.join('\n'));
  console.log(`generated ${files.length} schemas into ${relative(process.cwd(), outDir) || '.'}`);
}

await main();
