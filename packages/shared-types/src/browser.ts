/** Browser-safe entry (no validators, which need Node's require): types, constants, schemas, helpers. */
export type * from './generated/types.js';
export * from './generated/constants.js';
export { SCHEMAS } from './generated/schemas.js';
export * from './names.js';
export * from './order-status.js';
