/**
 * Engine choice under a burst of starts (real Redis): engines report their load once a heartbeat, so without the
 * recent-starts count every start of a burst would pick the same engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noteStart, pickEngine, readRegistry } from '../src/services/engines/registry.js';
import { registerEngine, startTestApp, type TestApp } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('engine assignment', () => {
  it('spreads a burst of starts over the engines before they report their new load', async () => {
    await registerEngine(t.ctx, 'burst-a', ['okx']);
    await registerEngine(t.ctx, 'burst-b', ['okx']);
    await tick();
    const chosen: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      // A fresh registry read per start, as separate API requests (or backend instances) would do.
      const engine = pickEngine(await readRegistry(t.ctx), 'okx');
      if (!engine) throw new Error('no engine');
      chosen.push(engine.engineId);
      await noteStart(t.ctx, null, engine.engineId, `burst-bot-${String(i)}`);
    }
    expect(chosen.filter((id) => id === 'burst-a')).toHaveLength(3);
    expect(chosen.filter((id) => id === 'burst-b')).toHaveLength(3);
  });

  it('stops counting a start once the engine heartbeats with its own load figure', async () => {
    await registerEngine(t.ctx, 'hb-a', ['polymarket']);
    await tick();
    await noteStart(t.ctx, null, 'hb-a', 'hb-bot-1');
    await noteStart(t.ctx, null, 'hb-a', 'hb-bot-2');
    const before = (await readRegistry(t.ctx)).find((e) => e.info.engineId === 'hb-a');
    expect(before?.info.load).toBe(2);
    await tick();
    await registerEngine(t.ctx, 'hb-a', ['polymarket'], 2);
    const after = (await readRegistry(t.ctx)).find((e) => e.info.engineId === 'hb-a');
    expect(after?.info.load).toBe(2);
  });

  it('counts assignments made from one registry read at once', async () => {
    await registerEngine(t.ctx, 'one-a', ['polymarket']);
    await registerEngine(t.ctx, 'one-b', ['polymarket']);
    await tick();
    const registry = (await readRegistry(t.ctx)).filter((e) => e.info.engineId.startsWith('one-'));
    const chosen: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const engine = pickEngine(registry, 'polymarket');
      if (!engine) throw new Error('no engine');
      chosen.push(engine.engineId);
      await noteStart(t.ctx, registry, engine.engineId, `one-bot-${String(i)}`);
    }
    expect(chosen.sort()).toEqual(['one-a', 'one-a', 'one-b', 'one-b']);
  });
});
