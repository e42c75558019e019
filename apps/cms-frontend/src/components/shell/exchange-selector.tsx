'use client';
/** All / Polymarket / OKX: filters every list, chart and the realtime stream. */
import type { ExchangeFilter } from '@trading/shared-types/browser';
import { useExchange } from '@/hooks/use-exchange';
import { cn } from '@/lib/utils';

const OPTIONS: { value: ExchangeFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'polymarket', label: 'Polymarket' },
  { value: 'okx', label: 'OKX' },
];

export function ExchangeSelector() {
  const { exchange, setExchange } = useExchange();
  return (
    <div role="radiogroup" aria-label="Exchange" className="inline-flex rounded-md border border-neutral-200 p-0.5 dark:border-neutral-700">
      {OPTIONS.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={exchange === o.value}
          data-testid={`exchange-${o.value}`}
          onClick={() => {
            setExchange(o.value);
          }}
          className={cn(
            'rounded px-3 py-1 text-xs font-medium text-neutral-600 dark:text-neutral-400',
            exchange === o.value && 'bg-sky-600 text-white dark:bg-sky-600 dark:text-white',
          )}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
