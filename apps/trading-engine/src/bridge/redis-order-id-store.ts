/**
 * The Polymarket client-order-id ↔ order-hash map of one live bot, in Redis, so that the engine that adopts the bot
 * after a failover knows the dead run's orders by their client order ids (the venue has no client-id field) and its
 * reconciliation by client order id prefix can cancel them. Keys (under the deployment prefix; the base is
 * REDIS_KEYS.polymarketOrderIds from schemas/constants/redis-keys.json):
 *   te:pm-oid:<botId>:cid:<clientOrderId>  the record JSON
 *   te:pm-oid:<botId>:hash:<orderHash>      the client order id
 *   te:pm-oid:<botId>:pending               set of client order ids written before posting and not answered yet
 * Records expire after 7 days. A write happens before an order is posted; with Redis down the order gate is closed
 * anyway, so no order goes out unrecorded.
 */
import type { Redis } from 'ioredis';
import { REDIS_KEYS, formatName } from '@trading/shared-types';
import type { OrderIdRecord, OrderIdStore } from '../exchanges/polymarket/order-id-store.js';
import type { KeySpace } from './redis-connection.js';

/** `<prefix>:te:pm-oid:<botId>`: the base key of one bot's store. */
export function polymarketOrderIdsKey(keys: KeySpace, botId: string): string {
  return keys.key(formatName(REDIS_KEYS.polymarketOrderIds, { botId }));
}

const TTL_SECONDS = 7 * 24 * 3600;

export class RedisOrderIdStore implements OrderIdStore {
  constructor(
    private readonly redis: Redis,
    /** `<prefix>:te:pm-oid:<botId>` */
    private readonly base: string,
  ) {}

  async get(clientOrderId: string): Promise<OrderIdRecord | undefined> {
    const text = await this.redis.get(`${this.base}:cid:${clientOrderId}`);
    return text === null ? undefined : (JSON.parse(text) as OrderIdRecord);
  }

  async byHash(orderHash: string): Promise<OrderIdRecord | undefined> {
    const clientOrderId = await this.redis.get(`${this.base}:hash:${orderHash.toLowerCase()}`);
    return clientOrderId === null ? undefined : this.get(clientOrderId);
  }

  async put(record: OrderIdRecord): Promise<void> {
    const multi = this.redis
      .multi()
      .set(`${this.base}:cid:${record.clientOrderId}`, JSON.stringify(record), 'EX', TTL_SECONDS)
      .set(`${this.base}:hash:${record.orderHash.toLowerCase()}`, record.clientOrderId, 'EX', TTL_SECONDS);
    if (record.state === 'pending') multi.sadd(`${this.base}:pending`, record.clientOrderId);
    else multi.srem(`${this.base}:pending`, record.clientOrderId);
    multi.expire(`${this.base}:pending`, TTL_SECONDS);
    await multi.exec();
  }

  async pending(): Promise<OrderIdRecord[]> {
    const ids = await this.redis.smembers(`${this.base}:pending`);
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(ids.map((id) => `${this.base}:cid:${id}`));
    return texts.flatMap((text) => (text === null ? [] : [JSON.parse(text) as OrderIdRecord]));
  }
}
