/** Static checks of the production deployment (docker/): the library the tests in this workspace use. */
export * from './repo.js';
export * from './source-text.js';
export * from './env-scan.js';
export * from './env-example.js';
export * from './compose.js';
export * from './dockerfile.js';
export * from './metrics-scan.js';
export * from './promql.js';
