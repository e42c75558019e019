import { mkdtemp, rm, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileOrderIdStore, type OrderIdRecord } from './order-id-store.js';

const record = (cid: string, hash: string, state: OrderIdRecord['state']): OrderIdRecord => ({
  clientOrderId: cid,
  orderHash: hash,
  tokenId: '1',
  side: 'BUY',
  price: '0.4',
  size: '10',
  orderType: 'GTC',
  postOnly: false,
  signedOrder: '{}',
  state,
  createdAt: 1,
});

describe('FileOrderIdStore', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('survives a restart: the last record per client id wins, lookups by hash work, a torn line is ignored', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-store-'));
    const path = join(dir, 'orders.jsonl');
    const first = await FileOrderIdStore.open(path);
    await first.put(record('a1', '0xAA', 'pending'));
    await first.put(record('b2', '0xbb', 'pending'));
    await first.put(record('a1', '0xAA', 'acked'));
    // Version bump re-signed b2: the old hash must no longer resolve.
    await first.put(record('b2', '0xcc', 'pending'));
    await appendFile(path, '{"clientOrderId":"torn', 'utf8');
    const reopened = await FileOrderIdStore.open(path);
    expect((await reopened.get('a1'))?.state).toBe('acked');
    expect((await reopened.byHash('0xaa'))?.clientOrderId).toBe('a1');
    expect(await reopened.byHash('0xbb')).toBeUndefined();
    expect((await reopened.byHash('0xCC'))?.clientOrderId).toBe('b2');
    expect((await reopened.pending()).map((r) => r.clientOrderId)).toEqual(['b2']);
    await reopened.put(record('c3', '0xdd', 'acked'));
    expect((await (await FileOrderIdStore.open(path)).get('c3'))?.orderHash).toBe('0xdd');
  });
});
