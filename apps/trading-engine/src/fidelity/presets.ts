/**
 * The strategies and configs the fidelity check runs by default, sized for the simulator's BTC-USDT-SWAP market
 * (mid 60 010, tick 0.1, background levels 1–20 contracts, takers 1–8 contracts, mid step ±3 ticks per 100 ms).
 */
import type { AnyStrategy } from '../strategies/types.js';
import { marketMaking } from '../strategies/market-making.js';
import { grid } from '../strategies/grid.js';

export interface FidelityPreset {
  strategy: AnyStrategy;
  config: Record<string, unknown>;
  exchangeConfig: Record<string, unknown>;
}

export const FIDELITY_PRESETS: Readonly<Record<string, FidelityPreset>> = {
  // Two levels per side, 3 and 4 ticks from the mid, requoted on every move of more than one tick.
  'market-making': {
    strategy: marketMaking as unknown as AnyStrategy,
    config: { spread: 0.6, orderSize: 2, levels: 2, inventorySkew: 0.01, maxInventory: 40 },
    exchangeConfig: { instId: 'BTC-USDT-SWAP' },
  },
  // 61 levels 2 USDT (20 ticks) apart around the start price: the mid walks about ±40 USDT in an hour.
  grid: {
    strategy: grid as unknown as AnyStrategy,
    config: { lowerPrice: 59950, upperPrice: 60070, gridCount: 60, spacing: 'arithmetic', orderSize: 2 },
    exchangeConfig: { instId: 'BTC-USDT-SWAP' },
  },
};
