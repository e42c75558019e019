/** Shared types, validators and constants: everything here is generated from schemas/ or wraps what is. */
export type * from './generated/types.js';
export * from './generated/constants.js';
export { SCHEMAS } from './generated/schemas.js';
export {
  SCHEMA_NAMES,
  SCHEMA_GROUPS,
  SCHEMA_IDS,
  DECIMAL_INPUT_PATHS,
  type SchemaName,
  type SchemaTypes,
} from './generated/schema-map.js';
export * from './validate.js';
export * from './names.js';
export * from './order-status.js';
export * from './redis-options.js';
export type { CompiledValidator, CompiledValidatorError } from './validator-types.js';
