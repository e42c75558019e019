/** Room names and the routing of an engine event to rooms (pure, so the scoping rule is testable alone). */
import type { EngineEvent } from '@trading/shared-types';

export const exchangeRoom = (exchange: string) => `exchange:${exchange}`;
export const botRoom = (botId: string) => `bot:${botId}`;
export const backtestRoom = (backtestId: string) => `backtest:${backtestId}`;
export const ADMIN_ROOM = 'role:admin';

/**
 * Where an event may go. Bot rooms are only ever joined after an exchange-scope check, so emitting to
 * bot:<id> cannot leak across exchanges. Engine-level events go to the rooms of the exchanges the engine serves;
 * events with no exchange at all go to admins only.
 */
export function roomsFor(event: EngineEvent): string[] {
  const rooms: string[] = [];
  if (event.exchange !== null) rooms.push(exchangeRoom(event.exchange));
  if (event.botId !== null && event.exchange !== null) rooms.push(botRoom(event.botId));
  if (event.type === 'engine-registered' || event.type === 'engine-heartbeat') {
    for (const ex of event.payload.engine.supportedExchanges) rooms.push(exchangeRoom(ex));
  }
  if (rooms.length === 0) rooms.push(ADMIN_ROOM);
  return [...new Set(rooms)];
}
