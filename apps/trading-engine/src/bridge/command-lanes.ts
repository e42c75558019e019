/**
 * The order in which an engine executes its commands. Commands of one bot run one at a time, in the order they were
 * handed in (start before stop, pause before resume); commands of different bots run side by side, so a failover
 * that hands an engine dozens of bots adopts them in parallel instead of one venue reconciliation after another; an
 * engine-wide command (no bot: drain, kill switch) runs alone — after everything handed in before it and before
 * everything handed in after it.
 *
 * The order is the order of `run` calls: the caller must call `run` synchronously when it takes a command in.
 */
export class CommandLanes {
  /** The last task of each bot: the next one of that bot waits for it. */
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Every task handed in and not yet settled: an engine-wide command waits for all of them. */
  private readonly pending = new Set<Promise<unknown>>();
  /** The last engine-wide command: every later task waits for it. */
  private barrier: Promise<unknown> = Promise.resolve();
  private active = 0;
  private mostActive = 0;

  /** Runs `task` in `botId`'s lane, or alone when `botId` is null; settles as the task does. */
  run<T>(botId: string | null, task: () => Promise<T>): Promise<T> {
    const waitFor = botId === null ? [this.barrier, ...this.pending] : [this.barrier, this.tails.get(botId) ?? Promise.resolve()];
    const result = Promise.allSettled(waitFor).then(async () => {
      this.active += 1;
      this.mostActive = Math.max(this.mostActive, this.active);
      try {
        return await task();
      } finally {
        this.active -= 1;
      }
    });
    this.pending.add(result);
    if (botId === null) this.barrier = result;
    else this.tails.set(botId, result);
    const forget = () => {
      this.pending.delete(result);
      if (botId !== null && this.tails.get(botId) === result) this.tails.delete(botId);
    };
    result.then(forget, forget);
    return result;
  }

  /** Commands handed in and not finished (running or waiting for their lane). */
  get size(): number {
    return this.pending.size;
  }

  /** The largest number of commands that ran at the same time so far (observability and tests). */
  get peakConcurrency(): number {
    return this.mostActive;
  }
}
