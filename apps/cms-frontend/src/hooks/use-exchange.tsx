'use client';
/**
 * The header's exchange selector (All / Polymarket / OKX): one value shared by every page and the realtime
 * stream, saved in localStorage so it survives reloads.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { EXCHANGE_FILTER_VALUES, type ExchangeFilter } from '@trading/shared-types/browser';

const STORAGE_KEY = 'cms-exchange-filter';

interface ExchangeContextValue {
  exchange: ExchangeFilter;
  setExchange: (value: ExchangeFilter) => void;
}

const ExchangeContext = createContext<ExchangeContextValue>({ exchange: 'all', setExchange: () => undefined });

function isFilter(value: string | null): value is ExchangeFilter {
  return value !== null && (EXCHANGE_FILTER_VALUES as readonly string[]).includes(value);
}

export function ExchangeProvider({ children }: { children: ReactNode }) {
  const [exchange, setState] = useState<ExchangeFilter>('all');
  useEffect(() => {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    // Read once after hydration: the server render cannot know the saved choice.
    if (isFilter(saved)) setState(saved);
  }, []);
  const setExchange = useCallback((value: ExchangeFilter) => {
    setState(value);
    window.localStorage.setItem(STORAGE_KEY, value);
  }, []);
  return <ExchangeContext value={{ exchange, setExchange }}>{children}</ExchangeContext>;
}

export function useExchange(): ExchangeContextValue {
  return useContext(ExchangeContext);
}

/** True when a row of this exchange should be shown under the current filter. */
export function matchesExchange(filter: ExchangeFilter, exchange: string | null | undefined): boolean {
  return filter === 'all' || exchange === null || exchange === undefined || exchange === filter;
}
