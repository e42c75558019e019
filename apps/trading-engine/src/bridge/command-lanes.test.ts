// CommandLanes: one bot's commands in order and never overlapping, different bots side by side, engine-wide alone.
import { describe, expect, it } from 'vitest';
import { CommandLanes } from './command-lanes.js';

/** A promise the test settles by hand, so "ran side by side" does not depend on timing. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CommandLanes', () => {
  it('runs one bot’s tasks in the order handed in, one at a time, whatever each takes', async () => {
    const lanes = new CommandLanes();
    const log: string[] = [];
    let inside = 0;
    let overlap = false;
    const delays = [5, 0, 3, 1, 4, 0, 2];
    const runs = delays.map((delay, index) =>
      lanes.run('bot-1', null, async () => {
        inside += 1;
        if (inside > 1) overlap = true;
        log.push(`start ${String(index)}`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        log.push(`end ${String(index)}`);
        inside -= 1;
      }),
    );
    await Promise.all(runs);
    expect(overlap).toBe(false);
    expect(log).toEqual(delays.flatMap((_, index) => [`start ${String(index)}`, `end ${String(index)}`]));
    expect(lanes.size).toBe(0);
  });

  it('runs different bots’ tasks side by side', async () => {
    const lanes = new CommandLanes();
    const gates = [gate(), gate(), gate()];
    const started: string[] = [];
    const runs = gates.map((g, index) =>
      lanes.run(`bot-${String(index)}`, null, async () => {
        started.push(`bot-${String(index)}`);
        await g.promise;
      }),
    );
    await tick();
    // All three started although none has finished: an adoption does not wait for another bot's venue round trips.
    expect(started).toEqual(['bot-0', 'bot-1', 'bot-2']);
    expect(lanes.peakConcurrency).toBe(3);
    for (const g of gates) g.open();
    await Promise.all(runs);
  });

  it('runs an engine-wide task alone: after every earlier task, before every later one', async () => {
    const lanes = new CommandLanes();
    const log: string[] = [];
    const before = gate();
    const first = lanes.run('bot-1', null, async () => {
      log.push('bot-1 start');
      await before.promise;
      log.push('bot-1 end');
    });
    const wide = lanes.run(null, null, async () => {
      log.push('drain');
      await tick();
      log.push('drain end');
    });
    const after = lanes.run('bot-2', null, async () => {
      log.push('bot-2');
      await Promise.resolve();
    });
    await tick();
    expect(log).toEqual(['bot-1 start']);
    before.open();
    await Promise.all([first, wide, after]);
    expect(log).toEqual(['bot-1 start', 'bot-1 end', 'drain', 'drain end', 'bot-2']);
  });

  it('a failed task rejects its own caller and does not block its lane', async () => {
    const lanes = new CommandLanes();
    const failed = lanes.run('bot-1', null, () => Promise.reject(new Error('venue down')));
    const next = lanes.run('bot-1', null, () => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('venue down');
    await expect(next).resolves.toBe('ran');
  });
});

describe('CommandLanes sequence numbers', () => {
  it('runs a bot’s commands in seq order whatever order they are handed in', async () => {
    const lanes = new CommandLanes({ loadCursor: () => Promise.resolve(4), gapTimeoutMs: 60_000 });
    const ran: string[] = [];
    const record = (name: string) => (position: { kind: string }) => {
      ran.push(`${name}:${position.kind}`);
      return Promise.resolve();
    };
    await Promise.all([
      lanes.run('bot-1', 7, record('seq7')),
      lanes.run('bot-1', 6, record('seq6')),
      lanes.run('bot-1', 5, record('seq5')),
    ]);
    expect(ran).toEqual(['seq5:next', 'seq6:next', 'seq7:next']);
  });

  it('lets a command wait for a missing predecessor at most the gap timeout, then run it as a gap', async () => {
    const lanes = new CommandLanes({ gapTimeoutMs: 50 });
    const started = Date.now();
    let seen: unknown;
    let late: Promise<unknown> = Promise.resolve();
    await lanes.run('bot-1', 2, (position) => {
      seen = position;
      // The predecessor turns up while seq 2 runs (the lane is still open and remembers 2).
      late = lanes.run('bot-1', 1, (lateAt) => Promise.resolve(lateAt));
      return Promise.resolve();
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(seen).toMatchObject({ kind: 'gap', seq: 2, expected: 1, why: 'timeout' });
    // Stale: it must not undo what ran after it.
    expect(await late).toEqual({ kind: 'stale', seq: 1, last: 2 });
  });

  it('releases a command parked on a gap when an engine-wide command comes, and runs it first', async () => {
    const lanes = new CommandLanes({ gapTimeoutMs: 60_000 });
    const ran: string[] = [];
    const parked = lanes.run('bot-1', 3, (position) => {
      ran.push(`bot ${position.kind}`);
      return Promise.resolve();
    });
    await tick();
    const wide = lanes.run(null, null, () => {
      ran.push('kill switch');
      return Promise.resolve();
    });
    await Promise.all([parked, wide]);
    expect(ran).toEqual(['bot gap', 'kill switch']);
  });

  it('does not hold an unsequenced command behind a sequenced one waiting for its gap', async () => {
    const lanes = new CommandLanes({ gapTimeoutMs: 60_000 });
    const parked = lanes.run('bot-1', 3, () => Promise.resolve('parked'));
    const adoption = await lanes.run('bot-1', null, (position) => Promise.resolve(position.kind));
    expect(adoption).toBe('unsequenced');
    expect(await lanes.run('bot-1', 1, (position) => Promise.resolve(position.kind))).toBe('next');
    await lanes.run('bot-1', 2, () => Promise.resolve());
    expect(await parked).toBe('parked');
    expect(lanes.size).toBe(0);
  });
});
