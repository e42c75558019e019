/** The OKX instruments the simulator lists, with OKX's own field values (tick, lot, min size, ctVal, fees). */
import { Decimal } from 'decimal.js';

export type OkxInstType = 'SPOT' | 'SWAP' | 'FUTURES';

export interface OkxInstrumentDef {
  instType: OkxInstType;
  instId: string;
  baseCcy: string;
  quoteCcy: string;
  settleCcy: string;
  /** Base units per contract; 1 for SPOT (where sz is in base). */
  ctVal: Decimal;
  tickSz: Decimal;
  lotSz: Decimal;
  minSz: Decimal;
  maxLever: number;
  /** Epoch ms, FUTURES only. */
  expTime: number | null;
  makerFee: Decimal;
  takerFee: Decimal;
  /** Starting mid for the generator. */
  initialMid: Decimal;
}

const spotFees = { makerFee: new Decimal('0.0008'), takerFee: new Decimal('0.001') };
const derivFees = { makerFee: new Decimal('0.0002'), takerFee: new Decimal('0.0005') };

export const DEFAULT_OKX_INSTRUMENTS: readonly OkxInstrumentDef[] = [
  {
    instType: 'SPOT', instId: 'BTC-USDT', baseCcy: 'BTC', quoteCcy: 'USDT', settleCcy: '',
    ctVal: new Decimal(1), tickSz: new Decimal('0.1'), lotSz: new Decimal('0.00000001'), minSz: new Decimal('0.00001'),
    maxLever: 10, expTime: null, ...spotFees, initialMid: new Decimal('60000'),
  },
  {
    instType: 'SWAP', instId: 'BTC-USDT-SWAP', baseCcy: 'BTC', quoteCcy: 'USDT', settleCcy: 'USDT',
    ctVal: new Decimal('0.01'), tickSz: new Decimal('0.1'), lotSz: new Decimal('0.01'), minSz: new Decimal('0.01'),
    maxLever: 100, expTime: null, ...derivFees, initialMid: new Decimal('60010'),
  },
  {
    instType: 'SWAP', instId: 'ETH-USDT-SWAP', baseCcy: 'ETH', quoteCcy: 'USDT', settleCcy: 'USDT',
    ctVal: new Decimal('0.1'), tickSz: new Decimal('0.01'), lotSz: new Decimal('0.01'), minSz: new Decimal('0.01'),
    maxLever: 100, expTime: null, ...derivFees, initialMid: new Decimal('3000'),
  },
  {
    instType: 'FUTURES', instId: 'BTC-USDT-261225', baseCcy: 'BTC', quoteCcy: 'USDT', settleCcy: 'USDT',
    ctVal: new Decimal('0.01'), tickSz: new Decimal('0.1'), lotSz: new Decimal('1'), minSz: new Decimal('1'),
    maxLever: 50, expTime: Date.UTC(2026, 11, 25, 8), ...derivFees, initialMid: new Decimal('60300'),
  },
];

export function isDerivative(def: OkxInstrumentDef): boolean {
  return def.instType !== 'SPOT';
}

/** OKX's REST/WS instrument object (all strings). */
export function instrumentToOkx(def: OkxInstrumentDef): Record<string, string> {
  const deriv = isDerivative(def);
  return {
    instType: def.instType,
    instId: def.instId,
    uly: deriv ? `${def.baseCcy}-${def.quoteCcy}` : '',
    instFamily: deriv ? `${def.baseCcy}-${def.quoteCcy}` : '',
    baseCcy: deriv ? '' : def.baseCcy,
    quoteCcy: deriv ? '' : def.quoteCcy,
    settleCcy: def.settleCcy,
    ctVal: deriv ? def.ctVal.toFixed() : '',
    ctMult: deriv ? '1' : '',
    ctValCcy: deriv ? def.baseCcy : '',
    ctType: deriv ? 'linear' : '',
    lever: String(def.maxLever),
    tickSz: def.tickSz.toFixed(),
    lotSz: def.lotSz.toFixed(),
    minSz: def.minSz.toFixed(),
    maxLmtSz: '100000000',
    maxMktSz: '1000000',
    state: 'live',
    listTime: '1606468572000',
    expTime: def.expTime === null ? '' : String(def.expTime),
    alias: def.instType === 'FUTURES' ? 'quarter' : '',
    optType: '',
    stk: '',
    lotSzCcy: '',
  };
}
