/**
 * Request validation from schemas/: every route names its body/query/params schema with schemaRef(), the
 * validator compiler runs the precompiled validator of @trading/shared-types (which also turns JSON numbers into
 * decimal strings for input schemas), and all schemas are registered so @fastify/swagger can publish them.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';
import fp from 'fastify-plugin';
import { SCHEMAS, SCHEMA_IDS, validate, type SchemaName } from '@trading/shared-types';
import { ApiError } from '../errors.js';

const NAME_BY_ID = new Map<string, SchemaName>(
  (Object.entries(SCHEMA_IDS) as [SchemaName, string][]).map(([name, id]) => [id, name]),
);

export function schemaRef(name: SchemaName): { $ref: string } {
  return { $ref: `${SCHEMA_IDS[name]}#` };
}

export function requestSchema(parts: {
  body?: SchemaName;
  query?: SchemaName;
  params?: SchemaName;
  tags?: string[];
  summary?: string;
}): FastifySchema {
  const schema: FastifySchema & { tags?: string[]; summary?: string; security?: unknown[] } = {};
  if (parts.body) schema.body = schemaRef(parts.body);
  if (parts.query) schema.querystring = schemaRef(parts.query);
  if (parts.params) schema.params = schemaRef(parts.params);
  if (parts.tags) schema.tags = parts.tags;
  if (parts.summary) schema.summary = parts.summary;
  return schema;
}

const CONTEXT_LABEL: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

export const validationPlugin = fp((app: FastifyInstance, _opts: unknown, done: (err?: Error) => void) => {
  for (const schema of Object.values(SCHEMAS)) app.addSchema(schema);
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ref = (schema as { $ref?: unknown }).$ref;
    const id = typeof ref === 'string' ? ref.replace(/#$/, '') : undefined;
    const name = id === undefined ? undefined : NAME_BY_ID.get(id);
    if (name === undefined) throw new Error(`route schema must be a schemaRef() of schemas/: ${JSON.stringify(schema)}`);
    const where = CONTEXT_LABEL[httpPart ?? 'body'] ?? 'body';
    return (data: unknown) => {
      // A body-less POST (curl -X POST …/start) arrives as undefined; treat it as {} for optional-field schemas.
      const result = validate(name, data ?? {});
      if (result.ok) return { value: result.value };
      return {
        error: new ApiError(
          400,
          'VALIDATION_FAILED',
          `invalid ${where}: ${result.issues.map((i) => i.message).join('; ')}`,
          result.issues.map((i) => ({ field: i.field, rule: i.rule, message: i.message })),
        ),
      };
    };
  });
  done();
});
