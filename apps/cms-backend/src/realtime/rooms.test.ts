import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '@trading/shared-types';
import { ADMIN_ROOM, roomsFor } from './rooms.js';

const base = { eventId: 'e', engineId: 'te', timestamp: 1 };

describe('roomsFor', () => {
  it('routes bot events to their exchange and bot rooms only', () => {
    const event = { ...base, exchange: 'okx', botId: 'b1', type: 'bot-log', payload: { level: 'info', message: 'x' } } as EngineEvent;
    expect(roomsFor(event)).toEqual(['exchange:okx', 'bot:b1']);
  });
  it('routes engine heartbeats to the exchanges the engine serves', () => {
    const engine = { engineId: 'te', host: 'h', version: '1', supportedExchanges: ['okx', 'polymarket'], capacity: 1, load: 0, status: 'online', botIds: [], startedAt: 1, heartbeatAt: 1 };
    const event = { ...base, exchange: null, botId: null, type: 'engine-heartbeat', payload: { engine } } as EngineEvent;
    expect(roomsFor(event)).toEqual(['exchange:okx', 'exchange:polymarket']);
  });
  it('sends exchange-less events to admins only, never a bot room without an exchange', () => {
    const event = { ...base, exchange: null, botId: 'b1', type: 'engine-stopped', payload: { reason: 'x' } } as EngineEvent;
    expect(roomsFor(event)).toEqual([ADMIN_ROOM]);
  });
});
