/** Public surface of the trading engine package (used by tests, benchmarks and the backtest CLI). */
export type * from './ports/instruments.js';
export type * from './ports/market-data.js';
export * from './ports/execution.js';
export type * from './ports/exchange.js';
export * from './ports/clock.js';
