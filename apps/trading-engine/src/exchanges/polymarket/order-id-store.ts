/**
 * Durable map client order id → Polymarket order hash (the venue has no client-id field). A record is written
 * BEFORE the order is posted, with the signed payload, so after a timeout or a crash the order can be found on the
 * venue by its hash and re-posted byte-identical (the venue refuses a duplicate hash), never doubled.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface OrderIdRecord {
  clientOrderId: string;
  orderHash: string;
  tokenId: string;
  side: 'BUY' | 'SELL';
  price: string;
  size: string;
  /** Venue order type sent (GTC, GTD, FOK, FAK) and postOnly flag. */
  orderType: string;
  postOnly: boolean;
  /** The signed order JSON as posted (for an identical re-post). */
  signedOrder: string;
  /** pending = written before posting; acked = the venue answered; rejected = it refused. */
  state: 'pending' | 'acked' | 'rejected';
  createdAt: number;
}

export interface OrderIdStore {
  get(clientOrderId: string): Promise<OrderIdRecord | undefined>;
  byHash(orderHash: string): Promise<OrderIdRecord | undefined>;
  put(record: OrderIdRecord): Promise<void>;
  /** Records not known to be terminal (for start-up reconciliation). */
  pending(): Promise<OrderIdRecord[]>;
}

export class InMemoryOrderIdStore implements OrderIdStore {
  protected readonly byClient = new Map<string, OrderIdRecord>();
  protected readonly byOrderHash = new Map<string, OrderIdRecord>();

  get(clientOrderId: string): Promise<OrderIdRecord | undefined> {
    return Promise.resolve(this.byClient.get(clientOrderId));
  }

  byHash(orderHash: string): Promise<OrderIdRecord | undefined> {
    return Promise.resolve(this.byOrderHash.get(orderHash.toLowerCase()));
  }

  put(record: OrderIdRecord): Promise<void> {
    this.remember(record);
    return Promise.resolve();
  }

  pending(): Promise<OrderIdRecord[]> {
    return Promise.resolve([...this.byClient.values()].filter((r) => r.state === 'pending'));
  }

  protected remember(record: OrderIdRecord): void {
    const previous = this.byClient.get(record.clientOrderId);
    if (previous !== undefined && previous.orderHash !== record.orderHash) this.byOrderHash.delete(previous.orderHash.toLowerCase());
    this.byClient.set(record.clientOrderId, record);
    this.byOrderHash.set(record.orderHash.toLowerCase(), record);
  }
}

/** Append-only JSON-lines file; the last line for a client id wins. Survives a process restart. */
export class FileOrderIdStore extends InMemoryOrderIdStore {
  private constructor(private readonly path: string) {
    super();
  }

  static async open(path: string): Promise<FileOrderIdStore> {
    const store = new FileOrderIdStore(path);
    await mkdir(dirname(path), { recursive: true });
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    // A crash may leave a torn last line: start the next record on a fresh line so it is not glued to it.
    if (text !== '' && !text.endsWith('\n')) await appendFile(path, '\n', 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        store.remember(JSON.parse(line) as OrderIdRecord);
      } catch {
        // A torn last line after a crash: everything before it is intact.
      }
    }
    return store;
  }

  override async put(record: OrderIdRecord): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(record)}\n`, 'utf8');
    this.remember(record);
  }
}
