/**
 * An InstrumentsPort over a fixed list (backtests, paper trading on recorded data, tests and benchmarks).
 */
import type { Instrument, InstrumentId, InstrumentsPort } from '../ports/instruments.js';

export class StaticInstruments implements InstrumentsPort {
  private readonly byId = new Map<InstrumentId, Instrument>();

  constructor(instruments: readonly Instrument[]) {
    for (const instrument of instruments) this.byId.set(instrument.id, instrument);
  }

  add(instrument: Instrument): void {
    this.byId.set(instrument.id, instrument);
  }

  loadInstruments(): Promise<Instrument[]> {
    return Promise.resolve([...this.byId.values()]);
  }

  getInstrument(id: InstrumentId): Instrument | undefined {
    return this.byId.get(id);
  }
}
