/** OKX instruments port: loads SPOT, SWAP and FUTURES through `public/instruments`. */
import type { Logger } from 'pino';
import type { Instrument, InstrumentId, InstrumentsPort } from '../../ports/instruments.js';
import { parseInstrument } from './parse.js';
import type { OkxRest } from './rest.js';

const INST_TYPES = ['SPOT', 'SWAP', 'FUTURES'] as const;

export class OkxInstruments implements InstrumentsPort {
  private readonly byId = new Map<InstrumentId, Instrument>();

  constructor(
    private readonly rest: OkxRest,
    private readonly logger: Logger,
  ) {}

  async loadInstruments(): Promise<Instrument[]> {
    const out: Instrument[] = [];
    for (const instType of INST_TYPES) {
      const rows: unknown[] = await this.rest.call('public/instruments', (c) => c.getInstruments({ instType }));
      for (const row of rows) {
        const instrument = parseInstrument(row);
        if (instrument) out.push(instrument);
        else this.logger.warn({ row }, 'okx: malformed instrument dropped');
      }
    }
    this.byId.clear();
    for (const i of out) this.byId.set(i.id, i);
    return out;
  }

  getInstrument(id: InstrumentId): Instrument | undefined {
    return this.byId.get(id);
  }
}
