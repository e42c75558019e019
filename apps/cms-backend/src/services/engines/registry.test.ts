import { describe, expect, it } from 'vitest';
import type { EngineInfo } from '@trading/shared-types';
import { pickEngine, type RegistryEntry } from './registry.js';

function entry(engineId: string, over: Partial<EngineInfo> = {}, live = true): RegistryEntry {
  const info: EngineInfo = { engineId, host: 'h', version: '1', supportedExchanges: ['okx'], capacity: 10, load: 0, status: 'online', botIds: [], startedAt: 1, heartbeatAt: 1, ...over };
  return { info, live, heartbeatMs: 1 };
}

describe('pickEngine', () => {
  it('picks the least loaded live online engine that supports the exchange', () => {
    const entries = [entry('a', { load: 5 }), entry('b', { load: 2 }), entry('c', { load: 0 }, false), entry('d', { load: 0, status: 'draining' }), entry('e', { load: 0, supportedExchanges: ['polymarket'] })];
    expect(pickEngine(entries, 'okx')?.engineId).toBe('b');
    expect(pickEngine(entries, 'polymarket')?.engineId).toBe('e');
  });
  it('compares load relative to capacity and skips full engines', () => {
    const entries = [entry('small', { load: 1, capacity: 2 }), entry('big', { load: 3, capacity: 10 }), entry('full', { load: 4, capacity: 4 })];
    expect(pickEngine(entries, 'okx')?.engineId).toBe('big');
  });
  it('returns null when no engine fits (the start then waits in STARTING)', () => {
    expect(pickEngine([entry('x', {}, false)], 'okx')).toBeNull();
    expect(pickEngine([], 'polymarket')).toBeNull();
  });
});
