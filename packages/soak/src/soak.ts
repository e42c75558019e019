/** One soak: start, seed bots, inject the schedule, stop trading, drain, reconcile, report. */
import type { SoakArgs } from './args.js';
import { BackendClient, createBots, startBots, stopBots, type SoakBot } from './bots.js';
import { runSchedule, type FaultLog } from './faults.js';
import { countProcessedEvents, pendingEventJobs, readPgLedger, readSimAccount } from './ledgers.js';
import { Platform, REDIS_PREFIX } from './platform.js';
import { reconcile, type Row } from './reconcile.js';
import { EventRecorder } from './recorder.js';
import { MarketFlow } from './flow.js';
import { renderReport, writeResult } from './report.js';
import { buildSchedule, describeStep } from './schedule.js';

export interface SoakOptions extends SoakArgs {
  root: string;
  logDir: string;
  say: (line: string) => void;
}

export interface SoakResult {
  seed: number;
  failed: boolean;
  rows: Row[];
  details: string[];
  report: string;
  faultErrors: string[];
}

/**
 * Registry and lease timing of the soak's engines: shorter than the defaults (2 s / 10 s) so a failover fits in a
 * one-minute soak, long enough that a 2-core machine under load does not lose leases to scheduling stalls.
 */
const HEARTBEAT_MS = 1_000;
const ENGINE_TTL_MS = 6_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** The longest the end of the window waits for bots to be RUNNING again after the last fault's recovery. */
const SETTLE_MS = 30_000;
const SETTLED = new Set(['RUNNING', 'ERROR', 'STOPPED', 'RISK_STOPPED']);
const STOPPED = new Set(['STOPPED', 'ERROR', 'RISK_STOPPED', 'IDLE']);

async function waitFor(check: () => Promise<boolean>, ms: number, every = 500): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(every);
  }
  return false;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { say } = options;
  const windowMs = Math.round(options.minutes * 60_000);
  const steps = buildSchedule({ seed: options.seed, windowMs, perMinute: options.faultsPerMinute });
  const command = `npm run soak -- --minutes ${options.minutes} --seed ${options.seed}${options.paper !== 50 ? ` --paper ${options.paper}` : ''}${options.live !== 5 ? ` --live ${options.live}` : ''}`;
  say(`seed ${options.seed} (replay: ${command})`);
  for (const step of steps) say(`scheduled ${describeStep(step)}`);
  say(`logs of every process in ${options.logDir}`);

  const platform = new Platform({
    root: options.root,
    seed: options.seed,
    logDir: options.logDir,
    postgresUrl: options.postgresUrl,
    heartbeatMs: HEARTBEAT_MS,
    engineTtlMs: ENGINE_TTL_MS,
    say,
  });
  let recorder: EventRecorder | null = null;
  try {
    const startedAt = Date.now();
    await platform.start();
    say(`platform up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: redis :${platform.redisPort}, simulator ${platform.simUrl}, API ${platform.apiUrl}, database ${platform.database}`);
    recorder = new EventRecorder(platform.redisUrl, REDIS_PREFIX);
    await recorder.start();
    const events = recorder;

    const backend = new BackendClient(platform.apiUrl);
    await backend.login();
    const bots = await createBots(backend, { simUrl: platform.simUrl, paper: options.paper, live: options.live });
    const startErrors = await startBots(backend, bots, { size: 5, pauseMs: HEARTBEAT_MS * 2 });
    for (const [botId, error] of startErrors) say(`start of ${botId} refused: ${error}`);
    const paper = bots.filter((b) => b.mode === 'paper');
    const live = bots.filter((b) => b.mode === 'live');
    await waitFor(async () => {
      const states = new Map((await backend.bots()).map((b) => [b.botId, b.status]));
      // Settled: every bot running, or refused (a live start the engine cannot serve ends in ERROR). Not merely
      // "not STARTING": a bot whose start the engine has not taken up yet is still IDLE.
      return bots.every((b) => SETTLED.has(states.get(b.botId) ?? ''));
    }, 60_000);
    const states = await backend.bots();
    const running = states.filter((b) => b.status === 'RUNNING').length;
    say(`${running} of ${bots.length} bots RUNNING (${paper.length} paper, ${live.length} live)`);
    for (const b of states) if (b.status !== 'RUNNING') say(`bot ${b.name} is ${b.status}${b.statusReason ? `: ${b.statusReason}` : ''}`);
    const runningAtStart = states.filter((b) => b.status === 'RUNNING').map((b) => b.botId);
    const liveRefusal = refusalOf(live, states, events.list(), startErrors);
    if (liveRefusal !== null) say(`live bots refused: ${liveRefusal}`);

    const tradingFrom = Date.now();
    const flow = new MarketFlow(platform.simUrl, options.seed);
    flow.start();
    const faults: FaultLog = await runSchedule(platform, steps, () => events.events.values(), say);
    const rest = tradingFrom + windowMs - Date.now();
    if (rest > 0) await sleep(rest);
    // Every bot that ran before the faults must run again once they are over: wait (bounded) for the last recovery,
    // then keep the backend's view of each bot for the reconciliation.
    await backend.login().catch(() => undefined);
    const settleFrom = Date.now();
    const back = (list: { botId: string; status: string }[]) => {
      const now = new Map(list.map((b) => [b.botId, b.status]));
      return runningAtStart.every((botId) => now.get(botId) === 'RUNNING' || now.get(botId) === 'RISK_STOPPED');
    };
    await waitFor(async () => back(await backend.bots().catch(() => [])), SETTLE_MS);
    const endStates = await backend.bots();
    const settleMs = Date.now() - settleFrom;
    const endRunning = new Set(endStates.filter((b) => b.status === 'RUNNING').map((b) => b.botId));
    say(`end of window: ${runningAtStart.filter((botId) => endRunning.has(botId)).length} of the ${runningAtStart.length} bots RUNNING at the start are RUNNING after ${(settleMs / 1000).toFixed(1)} s`);
    await flow.stop();

    say('stopping trading');
    const stopErrors = await stopBots(backend, bots.filter((b) => !startErrors.has(b.botId)));
    // A bot already STOPPED/ERROR (lost lease, refused start) answers 409: counted, not listed one by one.
    const stopRefusals = new Map<string, number>();
    for (const error of stopErrors.values()) {
      const reason = /"message":"([^"]+)"/.exec(error)?.[1] ?? error;
      stopRefusals.set(reason, (stopRefusals.get(reason) ?? 0) + 1);
    }
    for (const [reason, n] of stopRefusals) say(`stop refused for ${n} bots: ${reason}`);
    const allStopped = await waitFor(async () => (await backend.bots()).every((b) => STOPPED.has(b.status)), 30_000);
    if (!allStopped) say('not every bot reported STOPPED within 30 s');
    // Drained = the persistence queue is empty and nothing new was persisted for 3 s. The queue check matters on a
    // loaded machine: workers that stall for 3 s looked drained and their backlog was counted as lost fills. Bounded:
    // a queue that does not empty within 60 s (a job parked in retry back-off) is reported, then only stability counts.
    let last = -1;
    const stable = async (): Promise<boolean> => {
      const n = await countProcessedEvents(platform.databaseUrl);
      const same = n === last;
      last = n;
      return same;
    };
    const drained = await waitFor(async () => (await stable()) && (await pendingEventJobs(platform.redisUrl, REDIS_PREFIX)) === 0, 60_000, 3_000);
    if (!drained) {
      say(`the events queue still holds ${await pendingEventJobs(platform.redisUrl, REDIS_PREFIX)} jobs after 60 s; reconciling what is persisted once stable`);
      await waitFor(stable, 30_000, 3_000);
    }
    const pg = await readPgLedger(platform.databaseUrl);
    const sim = [];
    for (const bot of live) if (bot.apiKey !== null) sim.push(await readSimAccount(platform.simUrl, bot.botId, bot.apiKey));
    const crashed = platform.crashed();
    const result = reconcile({
      events: events.list(),
      pg,
      sim,
      liveBotIds: live.map((b) => b.botId),
      paperBotIds: paper.map((b) => b.botId),
      redisOutages: faults.redisOutages,
      engineKills: faults.engineKills,
      restarts: faults.restarts,
      liveRefusal,
      runningAtStart,
      endStates,
      settleMs,
    });
    const rows: Row[] = [
      ...result.rows,
      { name: 'faults that could not be injected', value: String(faults.errors.length), limit: '0', ok: faults.errors.length === 0 },
      { name: 'processes that died on their own', value: crashed.length === 0 ? '0' : crashed.join(', '), limit: '0', ok: crashed.length === 0 },
    ];
    for (const line of result.details) say(`detail: ${line}`);
    for (const line of faults.errors) say(`fault error: ${line}`);
    const failed = rows.some((r) => r.ok === false);
    const report = renderReport(
      {
        command,
        seed: options.seed,
        minutes: options.minutes,
        date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
        schedule: steps.map(describeStep),
        notes: [
          `${bots.length} bots: ${paper.length} paper, ${live.length} live; ${events.events.size} engine events recorded, ${pg.processedEventIds.size} persisted`,
          ...(recorder.invalid > 0 ? [`${recorder.invalid} realtime messages failed the EngineEvent schema`] : []),
        ],
      },
      rows,
    );
    if (options.writeDoc !== null) writeResult(options.writeDoc, report);
    return { seed: options.seed, failed, rows, details: result.details, report, faultErrors: faults.errors };
  } finally {
    recorder?.close();
    await platform.close();
    if (!options.keepDatabase) await platform.dropDatabase().catch((error: unknown) => {
      say(`could not drop ${platform.database}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}

/** Why the live bots did not run: the engine's rejection of their start, else the backend's status reason. */
function refusalOf(
  live: SoakBot[],
  states: { botId: string; status: string; statusReason: string | null }[],
  events: { type: string; botId: string | null; payload: unknown }[],
  startErrors: Map<string, string>,
): string | null {
  const ids = new Set(live.map((b) => b.botId));
  if (live.every((b) => states.find((s) => s.botId === b.botId)?.status === 'RUNNING')) return null;
  for (const e of events) {
    if (e.type !== 'command-acknowledged' || e.botId === null || !ids.has(e.botId)) continue;
    const p = e.payload as { accepted?: boolean; reason?: string; commandType?: string };
    if (p.accepted === false && p.commandType === 'start-bot') return p.reason ?? 'start-bot rejected';
  }
  for (const b of live) {
    const error = startErrors.get(b.botId);
    if (error !== undefined) return error;
    const state = states.find((s) => s.botId === b.botId);
    if (state && state.status !== 'RUNNING') return `${state.status}${state.statusReason ? `: ${state.statusReason}` : ''}`;
  }
  return null;
}
