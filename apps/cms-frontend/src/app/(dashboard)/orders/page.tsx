'use client';
/** Orders: server-side paginated, filtered by status, side, bot, instrument, mode and time; CSV export. */
import { useState } from 'react';
import { ORDER_STATUS_VALUES, type Order } from '@trading/shared-types/browser';
import { ExchangeBadge, ModeBadge, OrderStatusBadge, Price, SideBadge } from '@/components/trading/badges';
import { PageHeader } from '@/components/trading/page-header';
import { PagedList } from '@/components/trading/paged-list';
import { TradeFilterControls, useTradeFilters } from '@/components/trading/trade-filters';
import { Select } from '@/components/ui/input';
import { formatQuantity, formatTime, outcomeSuffix } from '@/lib/format';

export default function OrdersPage() {
  const [status, setStatus] = useState('');
  const filters = useTradeFilters();
  return (
    <div>
      <PageHeader title="Orders" />
      <PagedList<Order>
        resource="orders"
        testId="orders-table"
        filters={{ status, ...filters.query }}
        rowKey={(o) => o.orderId}
        toolbar={
          <>
            <Select className="w-40" value={status} onChange={(e) => { setStatus(e.target.value); }} aria-label="Status">
              <option value="">All statuses</option>
              {ORDER_STATUS_VALUES.map((s) => <option key={s}>{s}</option>)}
            </Select>
            <TradeFilterControls filters={filters} />
          </>
        }
        columns={[
          { header: 'Time', cell: (o) => formatTime(o.createdAt) },
          { header: 'Exchange', cell: (o) => <ExchangeBadge exchange={o.exchange} /> },
          { header: 'Instrument', cell: (o) => <span className="font-mono text-xs">{o.instrumentId}{outcomeSuffix(o.outcome)}</span> },
          { header: 'Side', cell: (o) => <SideBadge side={o.side} /> },
          { header: 'Type', cell: (o) => o.type },
          { header: 'Price', className: 'text-right', cell: (o) => <Price value={o.price ?? null} instrumentId={o.instrumentId} /> },
          { header: 'Filled / Qty', className: 'text-right', cell: (o) => `${formatQuantity(o.filledQuantity)} / ${formatQuantity(o.quantity)}` },
          { header: 'Status', cell: (o) => <OrderStatusBadge status={o.status} /> },
          { header: 'Mode', cell: (o) => <ModeBadge mode={o.mode} /> },
        ]}
        csv={[
          { header: 'orderId', value: (o) => o.orderId },
          { header: 'createdAt', value: (o) => String(o.createdAt) },
          { header: 'exchange', value: (o) => o.exchange },
          { header: 'botId', value: (o) => o.botId },
          { header: 'instrumentId', value: (o) => o.instrumentId },
          { header: 'outcome', value: (o) => o.outcome },
          { header: 'side', value: (o) => o.side },
          { header: 'type', value: (o) => o.type },
          { header: 'price', value: (o) => o.price },
          { header: 'quantity', value: (o) => o.quantity },
          { header: 'filledQuantity', value: (o) => o.filledQuantity },
          { header: 'averageFillPrice', value: (o) => o.averageFillPrice },
          { header: 'status', value: (o) => o.status },
          { header: 'fee', value: (o) => o.fee },
          { header: 'mode', value: (o) => o.mode },
        ]}
      />
    </div>
  );
}
