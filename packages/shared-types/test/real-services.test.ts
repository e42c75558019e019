// The contract crosses real services: a typed event goes through a real Redis pub/sub channel and is validated
// on the other side; a malformed one is rejected with the field named; a real PostgreSQL connection stores the
// decimal exactly. No mock of Redis or PostgreSQL anywhere.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatName, parseAndValidate, REDIS_CHANNELS, type OrderFilledEvent, type ValidationResult } from '../src/index.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const databaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function filledEvent(engineId: string): OrderFilledEvent {
  const order = {
    orderId: 'c1',
    clientOrderId: 'c1',
    exchange: 'okx' as const,
    botId: 'bot-1',
    instrumentId: 'okx:BTC-USDT-SWAP',
    side: 'BUY' as const,
    type: 'LIMIT' as const,
    price: '65000.1',
    quantity: '0.01',
    filledQuantity: '0.01',
    status: 'FILLED' as const,
    source: 'strategy' as const,
    mode: 'paper' as const,
    createdAt: 1,
    updatedAt: 2,
  };
  return {
    eventId: randomUUID(),
    engineId,
    exchange: 'okx',
    botId: 'bot-1',
    timestamp: Date.now(),
    type: 'order-filled',
    payload: {
      order,
      fill: {
        fillId: 'f1',
        orderId: 'c1',
        exchange: 'okx',
        botId: 'bot-1',
        instrumentId: 'okx:BTC-USDT-SWAP',
        side: 'BUY',
        price: '65000.1',
        quantity: '0.01',
        fee: '0.325',
        feeCurrency: 'USDT',
        role: 'taker',
        mode: 'paper',
        timestamp: 2,
      },
    },
  };
}

describe('contract over real Redis pub/sub', () => {
  let publisher: Redis;
  let subscriber: Redis;
  const engineId = `te-test-${randomUUID().slice(0, 8)}`;
  const channel = formatName(REDIS_CHANNELS.engineEvent, { type: 'order-filled', engineId });

  beforeAll(async () => {
    publisher = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    subscriber = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(channel);
  });

  afterAll(async () => {
    await Promise.all([publisher.quit(), subscriber.quit()]);
  });

  it('delivers a typed event that validates on the other side, and rejects a malformed one by field', async () => {
    const received: ValidationResult<unknown>[] = [];
    const bothArrived = new Promise<void>((resolve) => {
      subscriber.on('message', (from: string, text: string) => {
        if (from !== channel) return;
        received.push(parseAndValidate('EngineEvent', text));
        if (received.length === 2) resolve();
      });
    });
    const good = filledEvent(engineId);
    const bad = filledEvent(engineId);
    const malformed = { ...bad, payload: { ...bad.payload, fill: { ...bad.payload.fill, price: 65000.1 } } };
    expect(await publisher.publish(channel, JSON.stringify(good))).toBe(1);
    await publisher.publish(channel, JSON.stringify(malformed));
    await bothArrived;

    const [first, second] = received;
    expect(first).toEqual({ ok: true, value: good });
    expect(second?.ok).toBe(false);
    if (second && !second.ok) expect(second.issues.map((i) => i.message)).toContain('payload.fill.price: must be string');
  });
});

describe('real PostgreSQL', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  it('is a PostgreSQL server and keeps NUMERIC money exact', async () => {
    const version = await client.query<{ server_version_num: string }>('show server_version_num');
    expect(Number(version.rows[0]?.server_version_num)).toBeGreaterThanOrEqual(120000);
    const sum = await client.query<{ total: string }>('select ($1::numeric + $2::numeric)::text as total', ['0.1', '0.2']);
    expect(sum.rows[0]?.total).toBe('0.3');
  });
});
