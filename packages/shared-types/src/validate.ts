/**
 * Runtime validation against the generated, precompiled validators. Errors name the field and the rule
 * ("riskLimits.maxDrawdown: must be <= 100") so a rejected message can be logged and answered precisely.
 */
import { compiledValidators, DECIMAL_INPUT_PATHS, type SchemaName, type SchemaTypes } from './generated/schema-map.js';
import type { CompiledValidatorError } from './validator-types.js';

export interface ValidationIssue {
  /** Dotted path of the offending field ("" for the whole value). */
  field: string;
  /** The JSON Schema keyword that failed (required, maximum, pattern, ...). */
  rule: string;
  /** "riskLimits.maxDrawdown: must be <= 100" */
  message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

export class SchemaValidationError extends Error {
  constructor(
    readonly schema: SchemaName,
    readonly issues: ValidationIssue[],
  ) {
    super(`invalid ${schema}: ${issues.map((issue) => issue.message).join('; ')}`);
    this.name = 'SchemaValidationError';
  }
}

function pointerToDotted(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function describe(error: CompiledValidatorError): ValidationIssue {
  let field = pointerToDotted(error.instancePath);
  let text = error.message ?? `fails ${error.keyword}`;
  const params = error.params;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    field = field ? `${field}.${params.missingProperty}` : params.missingProperty;
    text = 'is required';
  } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    field = field ? `${field}.${params.additionalProperty}` : params.additionalProperty;
    text = 'is not allowed';
  } else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    text = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (error.keyword === 'const') {
    text = `must be ${JSON.stringify(params.allowedValue)}`;
  } else if (error.keyword === 'pattern' && /decimal/i.test(error.schemaPath)) {
    text = 'must be a decimal string';
  }
  return { field, rule: error.keyword, message: `${field || '(root)'}: ${text}` };
}

/** Ajv reports every branch of an anyOf/oneOf; keep the most specific messages and drop the summaries. */
function simplify(errors: CompiledValidatorError[]): ValidationIssue[] {
  const specific = errors.filter((error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf' && error.keyword !== 'if');
  const chosen = specific.length > 0 ? specific : errors;
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of chosen) {
    const issue = describe(error);
    // "must be string" and "must be number" for one anyOf field read better as one issue.
    const key = `${issue.field}|${issue.rule === 'type' ? 'type' : issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function normalizeAt(value: unknown, path: readonly string[]): void {
  if (path.length === 0 || value === null || typeof value !== 'object') return;
  const [head, ...rest] = path as [string, ...string[]];
  const keys = head === '*' ? Object.keys(value) : [head];
  const container = value as Record<string, unknown>;
  for (const key of keys) {
    const child = container[key];
    if (rest.length === 0) {
      // JSON numbers arrive as doubles; String() gives the shortest decimal that round-trips, which is
      // exactly what the sender wrote (0.03 -> "0.03"). Exponent forms are expanded.
      if (typeof child === 'number' && Number.isFinite(child)) container[key] = toPlainDecimal(child);
    } else {
      normalizeAt(child, rest);
    }
  }
}

/** Shortest round-trip decimal of a double, without exponent notation. */
export function toPlainDecimal(value: number): string {
  const text = String(value);
  if (!/e/i.test(text)) return text;
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/i.exec(text);
  if (!match) throw new Error(`cannot convert ${text} to a decimal`);
  const [, sign = '', lead = '', fraction = '', exponentText = '0'] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  const pointIndex = 1 + exponent;
  if (pointIndex <= 0) return `${sign}0.${'0'.repeat(-pointIndex)}${digits}`;
  if (pointIndex >= digits.length) return `${sign}${digits}${'0'.repeat(pointIndex - digits.length)}`;
  return `${sign}${digits.slice(0, pointIndex)}.${digits.slice(pointIndex)}`;
}

/**
 * Validate `data` against a schema. Input schemas (API requests, strategy configs) accept JSON numbers where a
 * decimal is expected; the returned value has them converted to decimal strings. The input is not mutated.
 */
export function validate<K extends SchemaName>(name: K, data: unknown): ValidationResult<SchemaTypes[K]> {
  const validator = compiledValidators[name];
  const paths = DECIMAL_INPUT_PATHS[name];
  const candidate: unknown = paths ? structuredClone(data) : data;
  if (!validator(candidate)) {
    return { ok: false, issues: simplify(validator.errors ?? []) };
  }
  if (paths) for (const path of paths) normalizeAt(candidate, path);
  return { ok: true, value: candidate as SchemaTypes[K] };
}

/** Like validate(), but throws SchemaValidationError. */
export function assertValid<K extends SchemaName>(name: K, data: unknown): SchemaTypes[K] {
  const result = validate(name, data);
  if (!result.ok) throw new SchemaValidationError(name, result.issues);
  return result.value;
}

/** Parse a JSON text and validate it; malformed JSON is reported as an issue, never thrown. */
export function parseAndValidate<K extends SchemaName>(name: K, text: string): ValidationResult<SchemaTypes[K]> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [{ field: '', rule: 'json', message: `(root): is not valid JSON (${reason})` }] };
  }
  return validate(name, data);
}
