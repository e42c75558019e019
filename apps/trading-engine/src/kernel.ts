/**
 * Composition root of the trading engine: the only place where venues, paper trading, strategies, risk and the
 * event sink are wired together. Everything else receives its dependencies.
 *
 * Per bot: `mode: 'paper'` gets its own paper account on the venue's PaperVenue (one matching engine per venue,
 * shared with backtests); `mode: 'live'` uses the venue adapter's execution port.
 * Paper settings come from BotSpec.exchangeConfig: `paperBalances` ({ "USDT": "10000" }; default 10 000 of the
 * venue's settle currency), `leverage` (default 1) and `marginMode` ("cross" | "isolated", default cross).
 */
import { Decimal } from 'decimal.js';
import type { BotSpec, Exchange } from '@trading/shared-types';
import type { Clock } from './ports/clock.js';
import type { InstrumentsPort } from './ports/instruments.js';
import type { MarketDataPort } from './ports/market-data.js';
import type { ExecutionPort } from './ports/execution.js';
import type { EventSink } from './core/bus.js';
import { ZERO } from './core/decimal.js';
import { TradingEngine, type VenueBinding } from './engines/trading-engine.js';
import type { BotExecution } from './bots/bot-runner.js';
import { PaperVenue, type PaperVenueConfig } from './paper/paper-venue.js';
import { PaperExecution } from './paper/paper-execution.js';
import { defaultStrategies, type StrategyRegistry } from './strategies/index.js';
import type { PortfolioLimits } from './risk/portfolio-limits.js';

export interface VenueSources {
  instruments: InstrumentsPort;
  marketData: MarketDataPort;
  /** Live execution (null/absent: paper only). */
  execution?: ExecutionPort | null;
}

export interface KernelOptions {
  engineId: string;
  clock: Clock;
  sink: EventSink;
  venues: Partial<Record<Exchange, VenueSources>>;
  /** Paper matching: latency in (simulated) ms, fee and margin models. */
  paper?: Partial<PaperVenueConfig>;
  strategies?: StrategyRegistry;
  portfolioLimits?: PortfolioLimits;
  usdcRates?: Record<string, Decimal>;
  pnlIntervalMs?: number;
}

export interface Kernel {
  engine: TradingEngine;
  paperVenues: Partial<Record<Exchange, PaperVenue>>;
  /** Live only: fires bot timers from the wall clock. Returns a stop function. */
  startTimers(intervalMs?: number): () => void;
  close(): void;
}

const SETTLE_CURRENCY: Record<Exchange, string> = { okx: 'USDT', polymarket: 'USDC' };

function paperSettings(spec: BotSpec): {
  balances: Record<string, Decimal>;
  leverage: number;
  marginMode: 'cross' | 'isolated';
} {
  const config = spec.exchangeConfig as {
    paperBalances?: Record<string, string | number>;
    leverage?: number;
    marginMode?: string;
  };
  const balances: Record<string, Decimal> = {};
  for (const [currency, amount] of Object.entries(
    config.paperBalances ?? { [SETTLE_CURRENCY[spec.exchange]]: '10000' },
  )) {
    balances[currency] = new Decimal(String(amount));
  }
  return {
    balances,
    leverage:
      typeof config.leverage === 'number' && Number.isInteger(config.leverage) && config.leverage >= 1
        ? config.leverage
        : 1,
    marginMode: config.marginMode === 'isolated' ? 'isolated' : 'cross',
  };
}

export function createKernel(options: KernelOptions): Kernel {
  const paperVenues: Partial<Record<Exchange, PaperVenue>> = {};
  const venues: Partial<Record<Exchange, VenueBinding>> = {};

  for (const [exchange, sources] of Object.entries(options.venues) as [Exchange, VenueSources][]) {
    const paperVenue = new PaperVenue(sources.marketData, sources.instruments, options.clock, {
      latencyMs: 0,
      ...options.paper,
    });
    paperVenues[exchange] = paperVenue;
    const currency = SETTLE_CURRENCY[exchange];
    venues[exchange] = {
      exchange,
      instruments: sources.instruments,
      marketData: sources.marketData,
      executionFor(spec: BotSpec): BotExecution {
        if (spec.mode === 'live') {
          const live = sources.execution;
          if (!live) throw new Error(`no live execution configured for ${exchange}`);
          return { port: live, exclusive: false, startingEquity: ZERO, currency };
        }
        const settings = paperSettings(spec);
        const account = new PaperExecution(paperVenue, {
          accountId: spec.botId,
          initialBalances: settings.balances,
          defaultLeverage: settings.leverage,
          defaultMarginMode: settings.marginMode,
        });
        return {
          port: account,
          exclusive: true,
          startingEquity: settings.balances[currency] ?? ZERO,
          currency,
          prepare: (ids) => {
            paperVenue.watch(ids);
          },
          release: () => {
            account.close();
          },
        };
      },
    };
  }

  const engineOptions: ConstructorParameters<typeof TradingEngine>[0] = {
    engineId: options.engineId,
    clock: options.clock,
    sink: options.sink,
    strategies: options.strategies ?? defaultStrategies(),
    venues,
  };
  if (options.portfolioLimits) engineOptions.portfolioLimits = options.portfolioLimits;
  if (options.usdcRates) engineOptions.usdcRates = options.usdcRates;
  if (options.pnlIntervalMs !== undefined) engineOptions.pnlIntervalMs = options.pnlIntervalMs;
  const engine = new TradingEngine(engineOptions);

  return {
    engine,
    paperVenues,
    startTimers(intervalMs = 100) {
      const handle = setInterval(() => {
        engine.tick();
      }, intervalMs);
      handle.unref();
      return () => {
        clearInterval(handle);
      };
    },
    close() {
      for (const venue of Object.values(paperVenues)) venue.close();
    },
  };
}
