'use client';
/** Trades (fills): server-side paginated with filters; CSV export keeps exact decimals. */
import type { Fill } from '@trading/shared-types/browser';
import { ExchangeBadge, ModeBadge, Pnl, Price, SideBadge } from '@/components/trading/badges';
import { PageHeader } from '@/components/trading/page-header';
import { PagedList } from '@/components/trading/paged-list';
import { TradeFilterControls, useTradeFilters } from '@/components/trading/trade-filters';
import { formatDecimal, formatQuantity, formatTime, outcomeSuffix } from '@/lib/format';

export default function TradesPage() {
  const filters = useTradeFilters();
  return (
    <div>
      <PageHeader title="Trades" />
      <PagedList<Fill>
        resource="trades"
        testId="trades-table"
        filters={filters.query}
        rowKey={(f) => f.fillId}
        toolbar={<TradeFilterControls filters={filters} />}
        columns={[
          { header: 'Time', cell: (f) => formatTime(f.timestamp) },
          { header: 'Exchange', cell: (f) => <ExchangeBadge exchange={f.exchange} /> },
          { header: 'Instrument', cell: (f) => <span className="font-mono text-xs">{f.instrumentId}{outcomeSuffix(f.outcome)}</span> },
          { header: 'Side', cell: (f) => <SideBadge side={f.side} /> },
          { header: 'Price', className: 'text-right', cell: (f) => <Price value={f.price} instrumentId={f.instrumentId} /> },
          { header: 'Quantity', className: 'text-right', cell: (f) => formatQuantity(f.quantity) },
          { header: 'Fee', className: 'text-right', cell: (f) => `${formatDecimal(f.fee, 4)} ${f.feeCurrency}` },
          { header: 'Role', cell: (f) => f.role },
          { header: 'Realized', className: 'text-right', cell: (f) => <Pnl value={f.realizedPnl ?? null} /> },
          { header: 'Mode', cell: (f) => <ModeBadge mode={f.mode} /> },
        ]}
        csv={[
          { header: 'fillId', value: (f) => f.fillId },
          { header: 'timestamp', value: (f) => String(f.timestamp) },
          { header: 'exchange', value: (f) => f.exchange },
          { header: 'botId', value: (f) => f.botId },
          { header: 'orderId', value: (f) => f.orderId },
          { header: 'instrumentId', value: (f) => f.instrumentId },
          { header: 'outcome', value: (f) => f.outcome },
          { header: 'side', value: (f) => f.side },
          { header: 'price', value: (f) => f.price },
          { header: 'quantity', value: (f) => f.quantity },
          { header: 'fee', value: (f) => f.fee },
          { header: 'feeCurrency', value: (f) => f.feeCurrency },
          { header: 'role', value: (f) => f.role },
          { header: 'realizedPnl', value: (f) => f.realizedPnl },
          { header: 'mode', value: (f) => f.mode },
        ]}
      />
    </div>
  );
}
