/**
 * Composition root of the trading engine: the only place where venues, paper trading, strategies, risk and the
 * event sink are wired together. Everything else receives its dependencies.
 *
 * Per bot: `mode: 'paper'` gets its own paper account on the venue's PaperVenue (one matching engine per venue,
 * shared with backtests); `mode: 'live'` uses the bot's own credentialed execution port (`liveExecutionFor`, the
 * engine service opens one account per live bot) or else the venue adapter's execution port.
 * Paper settings come from BotSpec.exchangeConfig: `paperBalances` ({ "USDT": "10000" }; default 10 000 of the
 * venue's settle currency), `leverage` (default 1) and `marginMode` ("cross" | "isolated", default cross).
 */
import { Decimal } from 'decimal.js';
import type { BotSpec, Exchange, PaperAccountCheckpoint } from '@trading/shared-types';
import type { Clock } from './ports/clock.js';
import type { InstrumentId, InstrumentsPort } from './ports/instruments.js';
import type { MarketDataPort } from './ports/market-data.js';
import type { ExecutionPort } from './ports/execution.js';
import type { EventSink } from './core/bus.js';
import { ZERO } from './core/decimal.js';
import { TradingEngine, type TradingEngineOptions, type VenueBinding } from './engines/trading-engine.js';
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
  /** The live bot's own execution port (per-bot credentials), looked up when the bot is created. */
  liveExecutionFor?: (spec: BotSpec) => ExecutionPort | null;
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
  /** Tick-to-order latency observer (the service's histogram), see TradingEngineOptions. */
  observeTickToOrder?: TradingEngineOptions['observeTickToOrder'];
}

export interface Kernel {
  engine: TradingEngine;
  paperVenues: Partial<Record<Exchange, PaperVenue>>;
  /** Live only: fires bot timers from the wall clock. Returns a stop function. */
  startTimers(intervalMs?: number): () => void;
  /**
   * Fail-closed freeze of a paper bot's account: it leaves its venue's matching (resting orders stay in the book but
   * cannot fill, orders in flight are dropped, no marks). False when the bot has no paper account.
   */
  freezePaper(botId: string): boolean;
  /** Ends a freeze: the account matches again and follows the given instruments' marks. */
  thawPaper(botId: string, instrumentIds: readonly InstrumentId[]): void;
  /** The bot's paper accounts (one per venue it trades) for its checkpoint; empty for a live bot. */
  paperCheckpoints(botId: string): PaperAccountCheckpoint[];
  /** An adopted paper bot continues its accounts (before it trades); a checkpoint for a venue it lacks is an error. */
  restorePaper(botId: string, checkpoints: readonly PaperAccountCheckpoint[]): void;
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
  /** Per bot, its paper account on each venue it trades (two for a cross-venue bot: engines/multi-venue.ts). */
  const paperAccounts = new Map<string, { venue: PaperVenue; account: PaperExecution; exchange: Exchange }[]>();

  for (const [exchange, sources] of Object.entries(options.venues) as [Exchange, VenueSources][]) {
    // On the wall clock a sweep's held fills go out on the next turn, not with the next market event.
    const paperVenue = new PaperVenue(sources.marketData, sources.instruments, options.clock, {
      latencyMs: 0,
      sweepClose: 'next-tick',
      ...options.paper,
    });
    paperVenues[exchange] = paperVenue;
    const currency = SETTLE_CURRENCY[exchange];
    venues[exchange] = {
      exchange,
      instruments: sources.instruments,
      marketData: sources.marketData,
      executionFor(spec: BotSpec, run: string): BotExecution {
        if (spec.mode === 'live') {
          const own = sources.liveExecutionFor?.(spec) ?? null;
          const live = own ?? sources.execution;
          if (!live) throw new Error(`no live execution configured for ${exchange}`);
          return { port: live, exclusive: false, ownAccount: own !== null, startingEquity: ZERO, currency };
        }
        const settings = paperSettings(spec);
        const account = new PaperExecution(paperVenue, {
          accountId: spec.botId,
          // Fill ids are unique per run: a restarted or adopted bot's new account must not repeat `<bot>-f1`,
          // which the CMS would drop as a duplicate of the earlier run's fill.
          fillIdPrefix: `${spec.botId}-r${run}`,
          initialBalances: settings.balances,
          defaultLeverage: settings.leverage,
          defaultMarginMode: settings.marginMode,
        });
        paperAccounts.set(spec.botId, [
          ...(paperAccounts.get(spec.botId) ?? []),
          { venue: paperVenue, account, exchange },
        ]);
        return {
          port: account,
          exclusive: true,
          startingEquity: settings.balances[currency] ?? ZERO,
          currency,
          prepare: (ids) => {
            paperVenue.watch(ids);
          },
          release: () => {
            const left = (paperAccounts.get(spec.botId) ?? []).filter((paper) => paper.account !== account);
            if (left.length > 0) paperAccounts.set(spec.botId, left);
            else paperAccounts.delete(spec.botId);
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
  if (options.observeTickToOrder) engineOptions.observeTickToOrder = options.observeTickToOrder;
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
    freezePaper(botId) {
      const papers = paperAccounts.get(botId) ?? [];
      for (const paper of papers) paper.venue.unregister(paper.account);
      return papers.length > 0;
    },
    thawPaper(botId, instrumentIds) {
      for (const paper of paperAccounts.get(botId) ?? []) {
        paper.venue.register(paper.account);
        for (const instrumentId of instrumentIds)
          if (instrumentId.startsWith(`${paper.exchange}:`)) paper.venue.follow(paper.account, instrumentId);
      }
    },
    paperCheckpoints(botId) {
      return (paperAccounts.get(botId) ?? []).map((paper) => paper.account.toCheckpoint(paper.exchange));
    },
    restorePaper(botId, checkpoints) {
      const papers = paperAccounts.get(botId) ?? [];
      for (const checkpoint of checkpoints) {
        const paper = papers.find((candidate) => candidate.exchange === checkpoint.exchange);
        if (!paper) throw new Error(`bot ${botId} has no paper account on ${checkpoint.exchange} to restore`);
        paper.account.restore(checkpoint);
      }
    },
    close() {
      for (const venue of Object.values(paperVenues)) venue.close();
    },
  };
}
