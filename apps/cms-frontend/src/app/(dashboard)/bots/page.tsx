'use client';
/** Bots table (TanStack Table v9): sort by any column, filter by state, search, and row actions. */
import {
  createFilteredRowModel,
  createSortedRowModel,
  filterFn_equals,
  filterFn_includesString,
  globalFilteringFeature,
  columnFilteringFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  sortFn_basic,
  tableFeatures,
  useTable,
  type ColumnDef,
} from '@tanstack/react-table';
import { ArrowUpDown, Plus } from 'lucide-react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { BOT_STATE_VALUES } from '@trading/shared-types/browser';
import { BotActions } from '@/components/trading/bot-actions';
import { ExchangeBadge, ModeBadge, Pnl, StateBadge } from '@/components/trading/badges';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Input, Select } from '@/components/ui/input';
import { EmptyRow, Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { usePermissions } from '@/hooks/use-api';
import { useBots, usePositions } from '@/hooks/use-queries';
import { chartNumber, formatQuantity } from '@/lib/format';
import { bookByBot } from '@/lib/portfolio';

interface BotRow {
  botId: string;
  name: string;
  status: string;
  exchange: string;
  strategy: string;
  mode: string;
  pnl: string;
  position: string;
}

const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  sortedRowModel: createSortedRowModel(),
  filteredRowModel: createFilteredRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric, basic: sortFn_basic },
  filterFns: { equals: filterFn_equals, includesString: filterFn_includesString },
});

const columns: ColumnDef<typeof features, BotRow>[] = [
  { accessorKey: 'name', header: 'Name', cell: (c) => <Link className="font-medium hover:underline" href={`/bots/${c.row.original.botId}`}>{c.row.original.name}</Link> },
  { accessorKey: 'status', header: 'State', filterFn: 'equals', cell: (c) => <StateBadge state={c.row.original.status} /> },
  { accessorKey: 'exchange', header: 'Exchange', cell: (c) => <ExchangeBadge exchange={c.row.original.exchange} /> },
  { accessorKey: 'strategy', header: 'Strategy' },
  { accessorKey: 'mode', header: 'Mode', cell: (c) => <ModeBadge mode={c.row.original.mode} /> },
  {
    id: 'pnl',
    // Sorting needs numbers; the cell still shows the exact decimal string.
    accessorFn: (r) => chartNumber(r.pnl),
    header: 'PnL',
    cell: (c) => <Pnl value={c.row.original.pnl} />,
  },
  { accessorKey: 'position', header: 'Position', enableSorting: false, cell: (c) => <span className="text-xs text-neutral-500">{c.row.original.position}</span> },
];

export default function BotsPage() {
  const bots = useBots();
  const positions = usePositions();
  const { canMutate } = usePermissions();
  const [search, setSearch] = useState('');
  const [state, setState] = useState('');
  const books = useMemo(() => bookByBot(positions.data?.data ?? []), [positions.data]);
  const data = useMemo<BotRow[]>(
    () =>
      (bots.data?.data ?? []).map((b) => {
        const book = books.get(b.botId);
        return {
          botId: b.botId,
          name: b.name,
          status: b.status,
          exchange: b.exchange,
          strategy: b.strategy,
          mode: b.mode,
          pnl: book?.totalPnl ?? '0',
          position: book === undefined || book.positions.length === 0 ? 'flat' : book.positions.map((p) => `${p.instrumentId.split(':')[1] ?? p.instrumentId} ${formatQuantity(p.quantity)}`).join(', '),
        };
      }),
    [bots.data, books],
  );
  const columnFilters = useMemo(() => (state === '' ? [] : [{ id: 'status', value: state }]), [state]);
  const table = useTable({
    features,
    columns,
    data,
    state: { globalFilter: search, columnFilters },
    onGlobalFilterChange: () => undefined,
    onColumnFiltersChange: () => undefined,
    globalFilterFn: 'includesString',
  });
  const byId = useMemo(() => new Map((bots.data?.data ?? []).map((b) => [b.botId, b])), [bots.data]);

  return (
    <div>
      <PageHeader
        title="Bots"
        description={`${bots.data?.total ?? 0} bots`}
        actions={
          canMutate && (
            <Button asChild>
              <Link href="/bots/new" data-testid="create-bot">
                <Plus /> Create bot
              </Link>
            </Button>
          )
        }
      />
      <ErrorNote error={bots.error} />
      <Card>
        <CardContent className="p-3">
          <div className="mb-3 flex flex-wrap gap-2">
            <Input placeholder="Search name, strategy…" className="max-w-xs" value={search} onChange={(e) => { setSearch(e.target.value); }} aria-label="Search bots" />
            <Select className="w-44" value={state} onChange={(e) => { setState(e.target.value); }} aria-label="Filter by state">
              <option value="">All states</option>
              {BOT_STATE_VALUES.map((s) => (
                <option key={s} value={s}>{s}</option>
              ))}
            </Select>
          </div>
          <Table data-testid="bots-table">
            <THead>
              {table.getHeaderGroups().map((hg) => (
                <TR key={hg.id}>
                  {hg.headers.map((h) => (
                    <TH key={h.id}>
                      {h.column.getCanSort() ? (
                        <button className="inline-flex items-center gap-1 uppercase" onClick={h.column.getToggleSortingHandler()}>
                          <table.FlexRender header={h} />
                          <ArrowUpDown className="size-3" />
                          {h.column.getIsSorted() === 'asc' ? '↑' : h.column.getIsSorted() === 'desc' ? '↓' : ''}
                        </button>
                      ) : (
                        <table.FlexRender header={h} />
                      )}
                    </TH>
                  ))}
                  {canMutate && <TH>Actions</TH>}
                </TR>
              ))}
            </THead>
            <TBody>
              {table.getRowModel().rows.map((row) => {
                const bot = byId.get(row.original.botId);
                return (
                  <TR key={row.id} data-bot-id={row.original.botId} data-exchange={row.original.exchange}>
                    {row.getAllCells().map((cell) => (
                      <TD key={cell.id}>
                        <table.FlexRender cell={cell} />
                      </TD>
                    ))}
                    {canMutate && <TD>{bot !== undefined && <BotActions bot={bot} />}</TD>}
                  </TR>
                );
              })}
              {table.getRowModel().rows.length === 0 && <EmptyRow colSpan={columns.length + 1}>{bots.isLoading ? 'Loading…' : 'No bots match.'}</EmptyRow>}
            </TBody>
          </Table>
        </CardContent>
      </Card>
    </div>
  );
}
