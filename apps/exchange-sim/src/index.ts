/**
 * Public entry of the exchange simulator: `startSimulator()` runs OKX (and Polymarket when present) on one
 * loopback port, in-process, for tests in any workspace; `main.ts` runs it as a service.
 */
import type { Decimal } from 'decimal.js';
import { pino, type Logger } from 'pino';
import { SimServer } from './server.js';
import type { SimContext, SimVenue } from './venue.js';
import { createOkxVenue, type OkxSimAdmin, type OkxVenue, type OkxVenueOptions } from './okx/venue.js';
import { registerPolymarketVenue, type PolymarketVenue, type PolymarketVenueOptions } from './venues.js';

export * from './matching/index.js';
export type { SimContext, SimVenue, VenueRequest } from './venue.js';
export type { PolymarketVenue, PolymarketVenueOptions } from './venues.js';
export { okxChecksum, okxChecksumString } from './okx/checksum.js';
export { DEFAULT_OKX_INSTRUMENTS, type OkxInstrumentDef } from './okx/instruments.js';
export { DEFAULT_OKX_KEY, DEFAULT_OKX_BALANCES, type OkxSimAdmin, type OkxBookState, type OkxAccountState, type OkxVenueOptions } from './okx/venue.js';
export { recordBooksStream, type RecordBooksOptions } from './market-data/record.js';
export { Rng } from './market-data/rng.js';
// Transport-free parts, for in-process harnesses that step the market on a simulated clock (trading-engine fidelity).
export { OkxExchange, BACKGROUND_OWNER, type InstrumentMarket } from './okx/exchange.js';
export type { OkxAccount, OkxOrder, OkxPosition, OkxPublicTrade, OkxExchangeListener } from './okx/types.js';
export { MarketGenerator, type GeneratorOptions } from './market-data/generator.js';

export interface StartSimulatorOptions {
  /** 0 = random free port (default). */
  port?: number;
  host?: string;
  seed?: number;
  okx?: OkxVenueOptions;
  /** Polymarket venue options; false = do not run the Polymarket venue. */
  polymarket?: false | PolymarketVenueOptions;
  logger?: Logger;
}

export interface RunningSimulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  port: number;
  seed: number;
  okx: OkxSimAdmin;
  /** The Polymarket venue (its own admin handle), null when disabled. */
  polymarket: PolymarketVenue | null;
  venues: ReadonlyMap<string, SimVenue>;
  /** Drops every connection, closes the port for downMs, listens again on the same port; state kept. */
  restart(downMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? 1;
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ level: 'warn' });
  let okx: OkxVenue | null = null;
  const ctx: SimContext = {
    seed,
    now: () => Date.now(),
    referencePrice: (instId: string): Decimal | undefined => okx?.mid(instId),
  };
  okx = createOkxVenue(ctx, options.okx);
  const venues: SimVenue[] = [okx];
  const polymarket = options.polymarket === false ? null : registerPolymarketVenue(ctx, options.polymarket);
  if (polymarket) venues.push(polymarket);
  const okxVenue = okx;
  const server = new SimServer({ host, port: options.port ?? 0, venues, logger, onRestart: () => { okxVenue.disconnectAll(); } });
  const port = await server.listen();
  for (const venue of venues) venue.start();
  return {
    url: `http://${host}:${String(port)}`,
    wsUrl: `ws://${host}:${String(port)}`,
    port,
    seed,
    okx: okxVenue.admin,
    polymarket,
    venues: new Map(venues.map((v) => [v.name, v])),
    restart: (downMs) => server.restart(downMs),
    close: async () => {
      await Promise.all(venues.map((v) => v.close()));
      await server.close();
    },
  };
}
