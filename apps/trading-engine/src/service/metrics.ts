/**
 * Prometheus metrics of one engine (prom-client), all prefixed trading_engine_. One registry per engine instance,
 * so several in-process engines (tests) never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface EngineMetrics {
  registry: Registry;
  eventsIn: Counter<'type'>;
  eventsPublished: Counter<'type'>;
  eventsPersisted: Counter<'type'>;
  eventsDropped: Counter<'reason'>;
  eventsRejected: Counter<'type'>;
  eventBuffer: Gauge;
  ordersOut: Counter<'exchange'>;
  ordersBlocked: Counter<'reason'>;
  rejections: Counter<'rule'>;
  tickToOrder: Histogram;
  bookResyncs: Counter<'exchange'>;
  redisUp: Gauge;
  redisTransitions: Counter<'to'>;
  botsByState: Gauge<'state'>;
  commands: Counter<'type' | 'outcome'>;
  leasesHeld: Gauge;
  leasesLost: Counter;
  adoptions: Counter<'outcome'>;
}

export function createMetrics(withDefaults = true): EngineMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'trading_engine_' });
  const registers = [registry];
  return {
    registry,
    eventsIn: new Counter({
      name: 'trading_engine_events_in_total',
      help: 'Events the kernel handed to the bridge',
      labelNames: ['type'],
      registers,
    }),
    eventsPublished: new Counter({
      name: 'trading_engine_events_published_total',
      help: 'Events published on Redis pub/sub',
      labelNames: ['type'],
      registers,
    }),
    eventsPersisted: new Counter({
      name: 'trading_engine_events_persisted_total',
      help: 'Events enqueued for persistence (BullMQ)',
      labelNames: ['type'],
      registers,
    }),
    eventsDropped: new Counter({
      name: 'trading_engine_events_dropped_total',
      help: 'Events dropped (buffer full while Redis was down, or too large)',
      labelNames: ['reason'],
      registers,
    }),
    eventsRejected: new Counter({
      name: 'trading_engine_events_rejected_total',
      help: 'Outgoing events that failed the EngineEvent schema',
      labelNames: ['type'],
      registers,
    }),
    eventBuffer: new Gauge({
      name: 'trading_engine_event_buffer_size',
      help: 'Events waiting for Redis',
      registers,
    }),
    ordersOut: new Counter({
      name: 'trading_engine_orders_out_total',
      help: 'Orders sent to a venue (live or paper)',
      labelNames: ['exchange'],
      registers,
    }),
    ordersBlocked: new Counter({
      name: 'trading_engine_orders_blocked_total',
      help: 'Orders stopped by the order gate',
      labelNames: ['reason'],
      registers,
    }),
    rejections: new Counter({
      name: 'trading_engine_rejections_total',
      help: 'Orders rejected, by risk rule or venue',
      labelNames: ['rule'],
      registers,
    }),
    tickToOrder: new Histogram({
      name: 'trading_engine_tick_to_order_seconds',
      help: 'Market data tick to order sent',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
    bookResyncs: new Counter({
      name: 'trading_engine_book_resyncs_total',
      help: 'Order book resynchronisations',
      labelNames: ['exchange'],
      registers,
    }),
    redisUp: new Gauge({
      name: 'trading_engine_redis_up',
      help: '1 when Redis answers, 0 when the engine is fail-closed',
      registers,
    }),
    redisTransitions: new Counter({
      name: 'trading_engine_redis_transitions_total',
      help: 'Redis health changes',
      labelNames: ['to'],
      registers,
    }),
    botsByState: new Gauge({
      name: 'trading_engine_bots',
      help: 'Bots on this engine by state',
      labelNames: ['state'],
      registers,
    }),
    commands: new Counter({
      name: 'trading_engine_commands_total',
      help: 'Commands received',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    leasesHeld: new Gauge({
      name: 'trading_engine_leases_held',
      help: 'Bot leases this engine holds',
      registers,
    }),
    leasesLost: new Counter({
      name: 'trading_engine_leases_lost_total',
      help: 'Bot leases lost to expiry or another engine',
      registers,
    }),
    adoptions: new Counter({
      name: 'trading_engine_adoptions_total',
      help: 'Bots adopted from a dead engine',
      labelNames: ['outcome'],
      registers,
    }),
  };
}
