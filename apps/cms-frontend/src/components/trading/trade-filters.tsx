'use client';
/**
 * The filters the Orders and Trades pages share (side, mode, bot, instrument, from): one state hook that yields the
 * query filters, and the toolbar controls bound to it.
 */
import { useState } from 'react';
import { Input, Select } from '@/components/ui/input';

export interface TradeFilterState {
  side: string;
  mode: string;
  botId: string;
  instrumentId: string;
  from: string;
}

export interface TradeFilters {
  state: TradeFilterState;
  set: (patch: Partial<TradeFilterState>) => void;
  /** The list query's filters (`from` as epoch ms, absent when empty). */
  query: { side: string; mode: string; botId: string; instrumentId: string; from: number | undefined };
}

export function useTradeFilters(): TradeFilters {
  const [state, setState] = useState<TradeFilterState>({ side: '', mode: '', botId: '', instrumentId: '', from: '' });
  return {
    state,
    set: (patch) => {
      setState((prev) => ({ ...prev, ...patch }));
    },
    query: {
      side: state.side,
      mode: state.mode,
      botId: state.botId,
      instrumentId: state.instrumentId,
      from: state.from === '' ? undefined : new Date(state.from).getTime(),
    },
  };
}

export function TradeFilterControls({ filters }: { filters: TradeFilters }) {
  const { state, set } = filters;
  return (
    <>
      <Select className="w-28" value={state.side} onChange={(e) => { set({ side: e.target.value }); }} aria-label="Side">
        <option value="">Both sides</option>
        <option>BUY</option>
        <option>SELL</option>
      </Select>
      <Select className="w-28" value={state.mode} onChange={(e) => { set({ mode: e.target.value }); }} aria-label="Mode">
        <option value="">Any mode</option>
        <option>paper</option>
        <option>live</option>
      </Select>
      <Input className="w-44" placeholder="Bot id" value={state.botId} onChange={(e) => { set({ botId: e.target.value.trim() }); }} aria-label="Bot id" />
      <Input className="w-52" placeholder="okx:BTC-USDT-SWAP" value={state.instrumentId} onChange={(e) => { set({ instrumentId: e.target.value.trim() }); }} aria-label="Instrument" />
      <Input className="w-48" type="datetime-local" value={state.from} onChange={(e) => { set({ from: e.target.value }); }} aria-label="From" />
    </>
  );
}
