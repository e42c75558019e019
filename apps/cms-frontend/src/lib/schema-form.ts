/**
 * JSON Schema (draft-07, as served by GET /api/strategies) → form fields, and form values → a validated config.
 * Handles what strategy configs use: strings (plain, patterned, enums), decimal strings (money/size, kept as
 * strings so nothing is rounded), numbers and integers with bounds, booleans, and string lists. Whole-file
 * $refs ("decimal.json") are resolved against the schemas shipped in @trading/shared-types. Validation is built
 * with zod so the messages are the same inline and on submit.
 */
import { z } from 'zod';

export type JsonSchema = {
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
};

export type FieldKind = 'text' | 'decimal' | 'number' | 'integer' | 'boolean' | 'enum' | 'list';

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  defaultValue?: string | boolean;
  options?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** Decimal strings that must be > 0 (positive-decimal.json). */
  positive?: boolean;
}

export type FormValues = Record<string, string | boolean>;

export type RefResolver = (ref: string) => JsonSchema | undefined;

/** A resolver over a set of schemas keyed by anything, matched on their $id. */
export function resolverFrom(schemas: Record<string, unknown>): RefResolver {
  const byId = new Map<string, JsonSchema>();
  for (const s of Object.values(schemas)) {
    const schema = s as JsonSchema;
    if (typeof schema.$id === 'string') byId.set(schema.$id, schema);
  }
  return (ref) => byId.get(ref.replace(/^.*\//, ''));
}

/** Merges a $ref target under the referring node (the referrer's description and default win). */
function deref(node: JsonSchema, resolve: RefResolver, depth = 0): JsonSchema {
  if (node.$ref === undefined || depth > 8) return node;
  const target = resolve(node.$ref);
  if (target === undefined) return node;
  const { $ref: _ref, ...rest } = node;
  return deref({ ...target, ...rest, $id: undefined }, resolve, depth + 1);
}

const DECIMAL_PATTERN_HINT = /\[0-9\]|\\d/;

function isDecimalSchema(s: JsonSchema): boolean {
  return (
    s.type === 'string' &&
    ['Decimal', 'PositiveDecimal', 'NonNegativeDecimal'].includes(s.title ?? '') ||
    (s.type === 'string' && typeof s.pattern === 'string' && s.pattern.includes('(\\.[0-9]+)?') && DECIMAL_PATTERN_HINT.test(s.pattern))
  );
}

/** "spreadBps" → "Spread bps". */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function fieldOf(name: string, raw: JsonSchema, required: boolean, resolve: RefResolver): FormField | null {
  let s = deref(raw, resolve);
  if (s.oneOf !== undefined) {
    const nonNull = s.oneOf.map((o) => deref(o, resolve)).find((o) => o.type !== 'null');
    if (nonNull !== undefined) s = { ...nonNull, description: s.description ?? nonNull.description };
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const base: FormField = { name, label: humanize(name), kind: 'text', required };
  if (s.description !== undefined) base.description = s.description;
  if (Array.isArray(s.enum)) {
    base.kind = 'enum';
    base.options = s.enum.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
  } else if (type === 'boolean') {
    base.kind = 'boolean';
  } else if (type === 'integer' || type === 'number') {
    base.kind = type;
    if (s.minimum !== undefined) base.minimum = s.minimum;
    if (s.maximum !== undefined) base.maximum = s.maximum;
    if (s.exclusiveMinimum !== undefined) base.exclusiveMinimum = s.exclusiveMinimum;
    if (s.exclusiveMaximum !== undefined) base.exclusiveMaximum = s.exclusiveMaximum;
  } else if (type === 'array') {
    const items = s.items === undefined ? undefined : deref(s.items, resolve);
    if (items?.type !== 'string') return null;
    base.kind = 'list';
    if (items.pattern !== undefined) base.pattern = items.pattern;
  } else if (type === 'string') {
    if (isDecimalSchema({ ...s, type: 'string' })) {
      base.kind = 'decimal';
      base.positive = s.title === 'PositiveDecimal' || (s.pattern?.startsWith('^(?!0+') ?? false);
    } else {
      if (s.pattern !== undefined) base.pattern = s.pattern;
      if (s.minLength !== undefined) base.minLength = s.minLength;
      if (s.maxLength !== undefined) base.maxLength = s.maxLength;
    }
  } else {
    // Objects and untyped nodes have no sensible single input; the form leaves them to the JSON editor.
    return null;
  }
  if (s.default !== undefined) {
    if (typeof s.default === 'boolean') base.defaultValue = s.default;
    else if (typeof s.default === 'string' || typeof s.default === 'number') base.defaultValue = String(s.default);
    else if (Array.isArray(s.default)) base.defaultValue = s.default.map(String).join(', ');
  }
  return base;
}

/** The form fields of an object schema, in property order. */
export function fieldsFromSchema(schema: JsonSchema, resolve: RefResolver): FormField[] {
  const root = deref(schema, resolve);
  const required = new Set(root.required ?? []);
  const fields: FormField[] = [];
  for (const [name, prop] of Object.entries(root.properties ?? {})) {
    const field = fieldOf(name, prop, required.has(name), resolve);
    if (field !== null) fields.push(field);
  }
  return fields;
}

export function initialValues(fields: FormField[]): FormValues {
  const values: FormValues = {};
  for (const f of fields) values[f.name] = f.defaultValue ?? (f.kind === 'boolean' ? false : '');
  return values;
}

const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function numberSchema(f: FormField): z.ZodNumber {
  let n = z.number({ error: 'must be a number' });
  if (f.kind === 'integer') n = n.int({ error: 'must be a whole number' });
  if (f.minimum !== undefined) n = n.min(f.minimum, { error: `must be ≥ ${f.minimum}` });
  if (f.maximum !== undefined) n = n.max(f.maximum, { error: `must be ≤ ${f.maximum}` });
  if (f.exclusiveMinimum !== undefined) n = n.gt(f.exclusiveMinimum, { error: `must be > ${f.exclusiveMinimum}` });
  if (f.exclusiveMaximum !== undefined) n = n.lt(f.exclusiveMaximum, { error: `must be < ${f.exclusiveMaximum}` });
  return n;
}

/** The zod schema that turns one field's raw input into its config value. */
export function fieldSchema(f: FormField): z.ZodType {
  switch (f.kind) {
    case 'boolean':
      return z.boolean();
    case 'enum':
      return z.enum((f.options ?? []) as [string, ...string[]], { error: `must be one of ${(f.options ?? []).join(', ')}` });
    case 'number':
    case 'integer':
      return z
        .string()
        .trim()
        .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, { error: 'must be a number' })
        .transform(Number)
        .pipe(numberSchema(f));
    case 'decimal': {
      const d = z.string().trim().regex(DECIMAL, { error: 'must be a decimal number like 12.5' });
      return f.positive === true ? d.refine((v) => !/^-|^0+(\.0+)?$/.test(v), { error: 'must be greater than 0' }) : d;
    }
    case 'list': {
      const item = f.pattern !== undefined ? z.string().regex(new RegExp(f.pattern), { error: `each item must match ${f.pattern}` }) : z.string();
      return z
        .string()
        .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
        .pipe(z.array(item));
    }
    case 'text': {
      let s = z.string();
      if (f.minLength !== undefined) s = s.min(f.minLength, { error: `must be at least ${f.minLength} characters` });
      if (f.maxLength !== undefined) s = s.max(f.maxLength, { error: `must be at most ${f.maxLength} characters` });
      if (f.pattern !== undefined) s = s.regex(new RegExp(f.pattern), { error: `must match ${f.pattern}` });
      return s;
    }
  }
}

function isEmpty(raw: string | boolean | undefined): boolean {
  return raw === undefined || (typeof raw === 'string' && raw.trim() === '');
}

/** One field's error message, or null (for inline validation while typing). */
export function validateField(f: FormField, raw: string | boolean | undefined): string | null {
  if (isEmpty(raw)) return f.required && f.kind !== 'boolean' ? 'is required' : null;
  const result = fieldSchema(f).safeParse(raw);
  return result.success ? null : (result.error.issues[0]?.message ?? 'is invalid');
}

export type FormResult = { ok: true; value: Record<string, unknown> } | { ok: false; errors: Record<string, string> };

/** Validates every field; empty optional fields are left out so the engine applies its defaults. */
export function buildConfig(fields: FormField[], values: FormValues): FormResult {
  const value: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.name];
    const error = validateField(f, raw);
    if (error !== null) {
      errors[f.name] = error;
      continue;
    }
    if (isEmpty(raw)) continue;
    value[f.name] = fieldSchema(f).parse(raw);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}
