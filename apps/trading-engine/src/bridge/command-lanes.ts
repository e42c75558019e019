/**
 * The order in which an engine executes its commands. Commands of one bot run one at a time; commands of different
 * bots run side by side, so a failover that hands an engine dozens of bots adopts them in parallel instead of one
 * venue reconciliation after another; an engine-wide command (no bot: drain, kill switch) runs alone — after
 * everything handed in before it and before everything handed in after it.
 *
 * Within one bot the order is the sender's: a command carries a per-bot sequence number (`seq`, INCR by the sender),
 * because BullMQ's worker with concurrency > 1 fetches jobs in parallel and may hand two back-to-back commands of one
 * bot over swapped. A command runs when its predecessor (`seq - 1`) was handled; one whose predecessor has not come
 * waits for it, at most `gapTimeoutMs` from its arrival (a lost job must never stall a bot) or until an engine-wide
 * command is handed in (a kill switch must not wait for a gap); one at or below the last handled number is stale.
 * The task learns which of these it is (`LanePosition`) and decides what to do (the consumer acks a stale command
 * without executing it). A command without `seq` (an older sender, the reaper's adoption start) runs in the order
 * `run` was called, as before sequencing, and neither waits for nor advances the sequence.
 *
 * The last handled number of a bot lives in the caller's store (`loadCursor`, Redis `te:command-done:bot:<botId>`),
 * read when the bot's lane opens: a restarted engine or one that adopted the bot continues where the previous one
 * stopped. The lane closes (and forgets the number) when it has nothing left to run.
 */

/** Where a command stands in its bot's sequence when its turn comes. */
export type LanePosition =
  | { kind: 'unsequenced' }
  | { kind: 'next'; seq: number }
  /** Runs although `expected` (and maybe more) never came: waited `waitedMs`, ended by the timeout or an engine-wide command. */
  | { kind: 'gap'; seq: number; expected: number; waitedMs: number; why: 'timeout' | 'engine-wide' }
  /** At or below `last`, the highest number already handled for the bot: a redelivery or a command that came too late. */
  | { kind: 'stale'; seq: number; last: number };

export interface CommandLanesOptions {
  /** The longest a sequenced command waits for its missing predecessor, from its arrival (default 3000 ms). */
  gapTimeoutMs?: number;
  /** The highest sequence number of the bot already handled, 0 for none (default: always 0). */
  loadCursor?: (botId: string) => Promise<number>;
  /** Called when loadCursor fails: the lane then starts just below the lowest number waiting. */
  onLoadError?: (botId: string, error: unknown) => void;
  now?: () => number;
}

export const DEFAULT_GAP_TIMEOUT_MS = 3000;

interface Entry {
  seq: number | null;
  /** Hand-in order (tie-break between a sequenced and an unsequenced command). */
  order: number;
  arrivedAt: number;
  /** The engine-wide commands handed in before this one: a later one releases it from a gap wait. */
  generation: number;
  /** Runs the task and settles the caller's promise; resolves (never rejects) once the task settled. */
  start: (position: LanePosition) => Promise<void>;
}

interface BotLane {
  /** Highest sequence number handled; 'loading' until the store answered. */
  cursor: number | 'loading';
  busy: boolean;
  entries: Entry[];
  timer: ReturnType<typeof setTimeout> | null;
}

export class CommandLanes {
  private readonly lanes = new Map<string, BotLane>();
  /** Every task handed in and not yet settled: an engine-wide command waits for all of them. */
  private readonly pending = new Set<Promise<unknown>>();
  /** The last engine-wide command: every later task waits for it. */
  private barrier: Promise<unknown> = Promise.resolve();
  private generation = 0;
  private handedIn = 0;
  private active = 0;
  private mostActive = 0;
  private readonly gapTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CommandLanesOptions = {}) {
    this.gapTimeoutMs = options.gapTimeoutMs ?? DEFAULT_GAP_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Runs `task` in `botId`'s lane at its place in the bot's sequence (`seq`, or null: hand-in order), or alone when
   * `botId` is null (`seq` ignored); settles as the task does. Call it synchronously when the command is taken in:
   * unsequenced commands keep the order of these calls.
   */
  run<T>(botId: string | null, seq: number | null, task: (position: LanePosition) => Promise<T>): Promise<T> {
    let result: Promise<T>;
    if (botId === null) {
      const waitFor = [this.barrier, ...this.pending];
      this.generation += 1;
      result = Promise.allSettled(waitFor).then(() => this.measure(() => task({ kind: 'unsequenced' })));
      this.barrier = result;
      // Commands parked on a gap stop waiting: they were taken before this one, so they run before it, now.
      for (const [id, lane] of this.lanes) this.pump(id, lane);
    } else {
      const entered = this.barrier;
      result = new Promise<T>((resolve, reject) => {
        const entry: Entry = {
          seq,
          order: this.handedIn++,
          arrivedAt: this.now(),
          generation: this.generation,
          start: (position) => this.measure(() => task(position)).then(resolve, reject),
        };
        // Every command handed in under the same barrier registers on the same promise, so they enter in call order.
        const enter = () => {
          this.enter(botId, entry);
        };
        entered.then(enter, enter);
      });
    }
    this.pending.add(result);
    const forget = () => {
      this.pending.delete(result);
    };
    result.then(forget, forget);
    return result;
  }

  /** Commands handed in and not finished (running or waiting for their turn). */
  get size(): number {
    return this.pending.size;
  }

  /** The largest number of commands that ran at the same time so far (observability and tests). */
  get peakConcurrency(): number {
    return this.mostActive;
  }

  private async measure<T>(task: () => Promise<T>): Promise<T> {
    this.active += 1;
    this.mostActive = Math.max(this.mostActive, this.active);
    try {
      return await task();
    } finally {
      this.active -= 1;
    }
  }

  private enter(botId: string, entry: Entry): void {
    let lane = this.lanes.get(botId);
    if (!lane) {
      const opened: BotLane = { cursor: 'loading', busy: false, entries: [], timer: null };
      lane = opened;
      this.lanes.set(botId, opened);
      const load = this.options.loadCursor ?? (() => Promise.resolve(0));
      load(botId).then(
        (cursor) => {
          opened.cursor = cursor;
          this.pump(botId, opened);
        },
        (error: unknown) => {
          this.options.onLoadError?.(botId, error);
          // Unknown: the lowest number waiting is taken as the next one, so nothing waits on a guess.
          const seqs = opened.entries.flatMap((waiting) => (waiting.seq === null ? [] : [waiting.seq]));
          opened.cursor = seqs.length === 0 ? 0 : Math.min(...seqs) - 1;
          this.pump(botId, opened);
        },
      );
    }
    lane.entries.push(entry);
    this.pump(botId, lane);
  }

  /** Starts the bot's next command if it may run now, or arms the timer of the one waiting for a gap. */
  private pump(botId: string, lane: BotLane): void {
    if (lane.busy || lane.cursor === 'loading') return;
    if (lane.timer !== null) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    const cursor = lane.cursor;
    let unsequenced: Entry | undefined;
    let lowest: (Entry & { seq: number }) | undefined;
    for (const entry of lane.entries) {
      if (entry.seq === null) unsequenced ??= entry;
      else if (lowest === undefined || entry.seq < lowest.seq) lowest = entry as Entry & { seq: number };
    }
    const now = this.now();
    let position: LanePosition | null = null;
    if (lowest !== undefined) {
      const waitedMs = now - lowest.arrivedAt;
      if (lowest.seq <= cursor) position = { kind: 'stale', seq: lowest.seq, last: cursor };
      else if (lowest.seq === cursor + 1) position = { kind: 'next', seq: lowest.seq };
      else if (waitedMs >= this.gapTimeoutMs)
        position = { kind: 'gap', seq: lowest.seq, expected: cursor + 1, waitedMs, why: 'timeout' };
      else if (this.generation > lowest.generation)
        position = { kind: 'gap', seq: lowest.seq, expected: cursor + 1, waitedMs, why: 'engine-wide' };
    }
    let pick: Entry;
    let ran: LanePosition;
    if (lowest !== undefined && position !== null && (unsequenced === undefined || lowest.order < unsequenced.order)) {
      pick = lowest;
      ran = position;
    } else if (unsequenced !== undefined) {
      // An unsequenced command never waits for a gap: it has no place in the sequence to wait for.
      pick = unsequenced;
      ran = { kind: 'unsequenced' };
    } else if (lowest !== undefined) {
      lane.timer = setTimeout(() => {
        lane.timer = null;
        this.pump(botId, lane);
      }, Math.max(0, lowest.arrivedAt + this.gapTimeoutMs - now));
      return;
    } else {
      this.lanes.delete(botId);
      return;
    }
    lane.entries.splice(lane.entries.indexOf(pick), 1);
    lane.busy = true;
    const done = () => {
      lane.busy = false;
      if ((ran.kind === 'next' || ran.kind === 'gap') && typeof lane.cursor === 'number') {
        lane.cursor = Math.max(lane.cursor, ran.seq);
      }
      this.pump(botId, lane);
    };
    // `start` settles the caller's promise and resolves once the task settled, whatever its outcome.
    void pick.start(ran).then(done);
  }
}
