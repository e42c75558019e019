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
      lanes.run('bot-1', async () => {
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
      lanes.run(`bot-${String(index)}`, async () => {
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
    const first = lanes.run('bot-1', async () => {
      log.push('bot-1 start');
      await before.promise;
      log.push('bot-1 end');
    });
    const wide = lanes.run(null, async () => {
      log.push('drain');
      await tick();
      log.push('drain end');
    });
    const after = lanes.run('bot-2', async () => {
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
    const failed = lanes.run('bot-1', () => Promise.reject(new Error('venue down')));
    const next = lanes.run('bot-1', () => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('venue down');
    await expect(next).resolves.toBe('ran');
  });
});
