import { describe, expect, it } from 'vitest';
import { SCHEMAS } from '@trading/shared-types/browser';
import { buildConfig, fieldsFromSchema, humanize, initialValues, resolverFrom, validateField, type FormField, type JsonSchema } from './schema-form.js';

const resolve = resolverFrom(SCHEMAS);
const quoter = SCHEMAS.SimpleQuoterConfig as unknown as JsonSchema;

function field(fields: FormField[], name: string): FormField {
  const f = fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no field ${name}`);
  return f;
}

describe('fieldsFromSchema on a real strategy schema', () => {
  const fields = fieldsFromSchema(quoter, resolve);
  it('maps every property, resolving whole-file $refs', () => {
    expect(fields.map((f) => f.name)).toEqual(Object.keys(quoter.properties ?? {}));
    expect(field(fields, 'instrumentId')).toMatchObject({ kind: 'text', required: true, pattern: '^(okx|polymarket):[A-Za-z0-9._-]+$' });
    expect(field(fields, 'quantity')).toMatchObject({ kind: 'decimal', positive: true, required: false });
    expect(field(fields, 'spreadBps')).toMatchObject({ kind: 'number', exclusiveMinimum: 0, maximum: 10000, defaultValue: '10' });
    expect(field(fields, 'timerIntervalMs')).toMatchObject({ kind: 'integer', minimum: 100 });
  });
  it('fills defaults', () => {
    expect(initialValues(fields)).toMatchObject({ spreadBps: '10', requoteBps: '5', instrumentId: '' });
  });
  it('builds a typed config and keeps decimals as strings', () => {
    const result = buildConfig(fields, { ...initialValues(fields), instrumentId: 'okx:BTC-USDT-SWAP', quantity: '0.010' });
    expect(result).toEqual({ ok: true, value: { instrumentId: 'okx:BTC-USDT-SWAP', spreadBps: 10, requoteBps: 5, quantity: '0.010', timerIntervalMs: 1000 } });
  });
  it('reports each invalid field', () => {
    const result = buildConfig(fields, { instrumentId: 'BTC', spreadBps: '0', requoteBps: 'x', quantity: '0', timerIntervalMs: '12.5' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['instrumentId', 'quantity', 'requoteBps', 'spreadBps', 'timerIntervalMs']);
    expect(result.errors.spreadBps).toBe('must be > 0');
    expect(result.errors.quantity).toBe('must be greater than 0');
    expect(result.errors.timerIntervalMs).toBe('must be a whole number');
  });
  it('requires required fields only', () => {
    expect(validateField(field(fields, 'instrumentId'), '')).toBe('is required');
    expect(validateField(field(fields, 'quantity'), '')).toBeNull();
  });
});

describe('other JSON Schema shapes', () => {
  const schema: JsonSchema = {
    type: 'object',
    required: ['side', 'levels'],
    properties: {
      side: { type: 'string', enum: ['BUY', 'SELL'] },
      levels: { type: 'integer', minimum: 1, maximum: 50 },
      enabled: { type: 'boolean', default: true },
      tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } },
      lowerPrice: { $ref: 'decimal.json' },
      nested: { type: 'object' },
      stop: { oneOf: [{ $ref: 'positive-decimal.json' }, { type: 'null' }] },
    },
  };
  const fields = fieldsFromSchema(schema, resolve);
  it('maps enums, booleans, lists and decimals and skips objects', () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['side', 'enum'],
      ['levels', 'integer'],
      ['enabled', 'boolean'],
      ['tags', 'list'],
      ['lowerPrice', 'decimal'],
      ['stop', 'decimal'],
    ]);
    expect(field(fields, 'enabled').defaultValue).toBe(true);
  });
  it('validates enums, lists and signed decimals', () => {
    const ok = buildConfig(fields, { side: 'SELL', levels: '10', enabled: false, tags: 'a, b', lowerPrice: '-1.5', stop: '' });
    expect(ok).toEqual({ ok: true, value: { side: 'SELL', levels: 10, enabled: false, tags: ['a', 'b'], lowerPrice: '-1.5' } });
    const bad = buildConfig(fields, { side: 'HOLD', levels: '51', tags: 'A', lowerPrice: '1e5', stop: '-2' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['levels', 'lowerPrice', 'side', 'stop', 'tags']);
  });
  it('humanizes names', () => {
    expect(humanize('spreadBps')).toBe('Spread bps');
    expect(humanize('max_order_size')).toBe('Max order size');
  });
});
