/**
 * Funding settlements of a live OKX account, read from GET /api/v5/account/bills (type 8). OKX pushes no funding
 * event on the private channels we use — a settlement only shows as a new cash balance on `account` — so the
 * adapter reads the account's funding bills: once when it starts, after every private reconnect, and after an
 * `account` push (throttled: at most one read per `minIntervalMs`, the last push always followed by a read).
 * Each bill is reported once per adapter (bill id = fundingId); the engine books a settlement only for a bot that
 * held the position and only once per settlement time, so reading a bill again after a restart books nothing twice.
 */
import type { Logger } from 'pino';
import type { FundingReport } from '../../ports/execution.js';
import type { OkxInstruments } from './instruments.js';
import { okxInstrumentId, parseFundingBill } from './parse.js';
import type { OkxRest } from './rest.js';

/** Bills per page (OKX's maximum). */
const BILLS_PAGE = 100;
/** Pages read at most in one poll (funding settles a few times a day per instrument: one page is the norm). */
const MAX_PAGES = 10;

export interface FundingBillsOptions {
  /** Least time between two reads triggered by `account` pushes. Default 60 s. */
  minIntervalMs?: number;
}

export class OkxFundingBills {
  /** The newest bill id read so far: later reads ask only for newer bills. */
  private newestBillId: string | null = null;
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private readAgain = false;
  private closed = false;
  private readonly minIntervalMs: number;

  constructor(
    private readonly rest: OkxRest,
    private readonly instruments: OkxInstruments,
    private readonly logger: Logger,
    private readonly report: (funding: FundingReport) => void,
    options: FundingBillsOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 60_000;
  }

  /** A balance changed: read the bills at the next allowed time (one read covers every push until then). */
  schedule(): void {
    if (this.closed || this.timer) return;
    const delay = Math.max(0, this.lastReadAt + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.read();
    }, delay);
    this.timer.unref();
  }

  /** Reads now (start, reconnect); a read already running is followed by one more. Never throws. */
  async read(): Promise<void> {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.readNewBills().finally(() => {
      this.reading = null;
    });
    await this.reading;
    if (this.readAgain) {
      this.readAgain = false;
      await this.read();
    }
  }

  stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async readNewBills(): Promise<void> {
    this.lastReadAt = Date.now();
    const since = this.newestBillId;
    const rows: unknown[] = [];
    try {
      // Newest first; with a cursor, page down (`after`) until the page reaches it.
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const pageRows: unknown[] = await this.rest.call('account/bills', (c) =>
          c.getBills({
            type: '8',
            limit: String(BILLS_PAGE),
            ...(since !== null ? { before: since } : {}),
            ...(after !== undefined ? { after } : {}),
          }),
        );
        rows.push(...pageRows);
        const last: unknown = pageRows.at(-1);
        const lastId = typeof last === 'object' && last !== null && 'billId' in last ? String(last.billId) : undefined;
        // Without a cursor the newest page is enough: the engine books only settlements after a bot's first fill.
        if (since === null || pageRows.length < BILLS_PAGE || lastId === undefined) break;
        after = lastId;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'okx: reading funding bills failed (read again after the next balance change)');
      return;
    }
    const reports: FundingReport[] = [];
    for (const row of rows) {
      const instId = typeof row === 'object' && row !== null && 'instId' in row ? String(row.instId) : '';
      const instrument = this.instruments.getInstrument(okxInstrumentId(instId));
      const bill = parseFundingBill(row, instrument?.contractValue ?? null);
      if (!bill) {
        this.logger.warn({ row }, 'okx: malformed funding bill dropped');
        continue;
      }
      if (this.newestBillId === null || BigInt(bill.billId) > BigInt(this.newestBillId)) this.newestBillId = bill.billId;
      const { billId: _billId, ...report } = bill;
      reports.push(report);
    }
    // The venue lists newest first: report in settlement order.
    for (const report of reports.reverse()) this.report(report);
  }
}
