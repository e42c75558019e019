/**
 * Keeps every bot's Redis checkpoint current (checkpoint-store.ts): a bot whose books changed — a fill, funding, a
 * settlement, i.e. an `order-filled` or `position-updated` event — is saved on the next turn of the event loop (a
 * burst of fills is one write), every bot at least every `refreshMs` (peak equity, the day's PnL, the TTL), and
 * once more when it leaves this engine while its lease still holds (drain). A failed write (Redis down) keeps the
 * bot dirty and its fill ids pending for the next attempt; a write the lease refuses is dropped (the bot is leaving).
 *
 * Ordering: the fill ids saved with a checkpoint are those of events emitted before it was built, and the books
 * are read at build time, so the books always hold every fill in the set. An adopter books the venue fills not in
 * the set; a fill booked but not yet in a checkpoint when the owner died is therefore found again at the venue.
 */
import type { BotCheckpoint, EngineEvent, LedgerCheckpoint, PaperAccountCheckpoint } from '@trading/shared-types';
import type { BotCheckpointStore } from './checkpoint-store.js';

export const MAX_RUN_PREFIXES = 64;
/** Fill ids per write (the rest go with the next one, immediately). */
const MAX_FILL_IDS_PER_SAVE = 1000;

export interface CheckpointSource {
  fence(botId: string): number | null;
  ledger(botId: string): LedgerCheckpoint;
  paperAccounts(botId: string): PaperAccountCheckpoint[];
}

interface PreparedWrite {
  store: BotCheckpointStore;
  tracked: Tracked;
  checkpoint: BotCheckpoint;
  fillIds: string[];
  reset: boolean;
}

interface Tracked {
  runPrefixes: string[];
  /** The first write of a fresh start empties the fill set. */
  reset: boolean;
  dirty: boolean;
  pendingFillIds: string[];
  lastSavedAt: number;
}

export class BotCheckpointer {
  private readonly bots = new Map<string, Tracked>();
  private storeInUse: BotCheckpointStore | null = null;
  private scheduled = false;
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly engineId: string,
    private readonly source: CheckpointSource,
    private readonly onProblem: (botId: string, message: string) => void,
    private readonly options: { refreshMs?: number; now?: () => number } = {},
  ) {
    this.timer = setInterval(() => {
      this.markStale();
      this.schedule();
    }, 1000);
    this.timer.unref();
  }

  setStore(store: BotCheckpointStore): void {
    this.storeInUse = store;
  }

  /** Where checkpoints go (null: none yet, nothing is written or restored). */
  get store(): BotCheckpointStore | null {
    return this.storeInUse;
  }

  /** A bot created on this engine: `runPrefixes` = its lineage (adopted runs, oldest first) and its own run. */
  track(botId: string, runPrefixes: readonly string[], fresh: boolean): void {
    this.bots.set(botId, {
      runPrefixes: runPrefixes.slice(-MAX_RUN_PREFIXES),
      reset: fresh,
      dirty: true,
      pendingFillIds: [],
      lastSavedAt: 0,
    });
    this.schedule();
  }

  /**
   * Stops tracking the bot and saves its books one last time (fenced: refused if the lease is gone). The books are
   * read now, synchronously, so the caller may drop the bot right after; the write completes in the background.
   */
  release(botId: string): Promise<void> {
    const tracked = this.bots.get(botId);
    if (!tracked) return Promise.resolve();
    const write = this.prepare(botId, tracked);
    this.bots.delete(botId);
    return write ? this.commit(write).then(() => undefined) : Promise.resolve();
  }

  /** Stops tracking without a write (lease lost: the books are the new owner's now). */
  forget(botId: string): void {
    this.bots.delete(botId);
  }

  observe(event: EngineEvent): void {
    if (event.botId === null) return;
    const tracked = this.bots.get(event.botId);
    if (!tracked) return;
    if (event.type === 'order-filled') tracked.pendingFillIds.push(event.payload.fill.fillId);
    else if (event.type !== 'position-updated') return;
    tracked.dirty = true;
    this.schedule();
  }

  /** Every dirty bot saved now (tests, shutdown). */
  async flush(): Promise<void> {
    await this.flushing;
    this.flushing = this.saveDirty();
    await this.flushing;
    this.flushing = null;
  }

  close(): void {
    clearInterval(this.timer);
  }

  private schedule(): void {
    if (this.scheduled || this.store === null) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.flushing) {
        // A write is under way: try again once it is done, so two writes of one bot never race.
        void this.flushing.then(() => {
          this.schedule();
        });
        return;
      }
      void this.flush();
    });
  }

  private markStale(): void {
    const now = this.now();
    const refreshMs = this.options.refreshMs ?? 30_000;
    for (const tracked of this.bots.values()) if (now - tracked.lastSavedAt >= refreshMs) tracked.dirty = true;
  }

  private async saveDirty(): Promise<void> {
    for (const [botId, tracked] of [...this.bots]) if (tracked.dirty) await this.saveOne(botId);
  }

  private async saveOne(botId: string): Promise<void> {
    const tracked = this.bots.get(botId);
    if (!tracked) return;
    const write = this.prepare(botId, tracked);
    if (write) await this.commit(write);
  }

  /** Builds the write synchronously (books and the fill ids they hold, read together). */
  private prepare(botId: string, tracked: Tracked): PreparedWrite | null {
    const store = this.store;
    const fence = this.source.fence(botId);
    if (!store || fence === null) return null;
    let checkpoint: BotCheckpoint;
    try {
      checkpoint = this.build(botId, fence, tracked);
    } catch (error) {
      this.onProblem(botId, `checkpoint not built: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
    const fillIds = tracked.pendingFillIds.splice(0, MAX_FILL_IDS_PER_SAVE);
    tracked.dirty = tracked.pendingFillIds.length > 0;
    return { store, tracked, checkpoint, fillIds, reset: tracked.reset };
  }

  private async commit(write: PreparedWrite): Promise<boolean> {
    const { tracked, fillIds } = write;
    try {
      const written = await write.store.save(write.checkpoint, fillIds, { reset: write.reset });
      if (!written) return false; // not our lease any more: the bot is on its way out
      if (write.reset) tracked.reset = false;
      tracked.lastSavedAt = this.now();
      if (tracked.dirty) this.schedule();
      return true;
    } catch {
      // Redis unreachable: the engine is fail-closed meanwhile; save again when it answers.
      tracked.pendingFillIds.unshift(...fillIds);
      tracked.dirty = true;
      return false;
    }
  }

  private build(botId: string, fence: number, tracked: Tracked): BotCheckpoint {
    const checkpoint: BotCheckpoint = {
      version: 1,
      botId,
      engineId: this.engineId,
      fence,
      savedAt: Math.trunc(this.now()),
      runPrefixes: tracked.runPrefixes as BotCheckpoint['runPrefixes'],
      ledger: this.source.ledger(botId),
    };
    const paper = this.source.paperAccounts(botId);
    if (paper.length > 0) checkpoint.paperAccounts = paper;
    return checkpoint;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
