/**
 * The engine's outbound event sink and the envelope factory. Everything the engine reports (bot states, orders,
 * fills, positions, PnL, risk breaches, logs) leaves through an EventSink as a schema'd EngineEvent. The engine
 * knows nothing about Redis: a bridge (wired in kernel.ts by a later module) implements EventSink.
 */
import type { EngineEvent, Exchange } from '@trading/shared-types';
import type { Clock } from '../ports/clock.js';

export interface EventSink {
  publish(event: EngineEvent): void;
}

/** Keeps every event in memory (tests, backtests); optional cap keeps only the newest. */
export class MemoryEventSink implements EventSink {
  readonly events: EngineEvent[] = [];
  constructor(private readonly cap = Number.POSITIVE_INFINITY) {}

  publish(event: EngineEvent): void {
    this.events.push(event);
    if (this.events.length > this.cap) this.events.splice(0, this.events.length - this.cap);
  }

  ofType<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<EngineEvent, { type: T }> => event.type === type);
  }

  clear(): void {
    this.events.length = 0;
  }
}

/** Fans one event out to several sinks (e.g. the Redis bridge and an in-memory recorder). */
export class FanoutSink implements EventSink {
  constructor(private readonly sinks: readonly EventSink[]) {}
  publish(event: EngineEvent): void {
    for (const sink of this.sinks) sink.publish(event);
  }
}

/** Drops everything (benchmarks measure the engine, not a sink). */
export const nullSink: EventSink = { publish: () => undefined };

type Envelope = 'eventId' | 'engineId' | 'exchange' | 'botId' | 'timestamp' | 'seq' | 'type' | 'payload';
type PayloadOf<T extends EngineEvent['type']> =
  Extract<EngineEvent, { type: T }> extends { payload: infer P } ? P : never;

/** Builds envelopes: unique event id, per-engine sequence number, engine id and timestamp. */
export class EventEmitter {
  private seq = 0;
  constructor(
    readonly engineId: string,
    private readonly clock: Clock,
    private readonly sink: EventSink,
  ) {}

  emit<T extends EngineEvent['type']>(
    type: T,
    scope: { botId: string | null; exchange: Exchange | null },
    payload: PayloadOf<T>,
  ): void {
    const seq = this.seq++;
    const envelope: Pick<
      Extract<EngineEvent, { type: T }>,
      Envelope & keyof Extract<EngineEvent, { type: T }>
    > = {
      eventId: `${this.engineId}-${String(seq)}`,
      engineId: this.engineId,
      exchange: scope.exchange,
      botId: scope.botId,
      timestamp: Math.trunc(this.clock.now()),
      seq,
      type,
      payload,
    } as unknown as Pick<
      Extract<EngineEvent, { type: T }>,
      Envelope & keyof Extract<EngineEvent, { type: T }>
    >;
    this.sink.publish(envelope as unknown as EngineEvent);
  }
}
