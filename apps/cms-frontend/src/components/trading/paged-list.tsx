'use client';
/**
 * Server-side paginated list with filters and CSV export, shared by Orders and Trades. The query key starts
 * with the resource name so live events (live-cache.ts) mark it stale.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { ErrorNote } from '@/components/trading/page-header';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyRow, Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useApi } from '@/hooks/use-api';
import { useExchange } from '@/hooks/use-exchange';
import type { Query } from '@/lib/api';
import type { Page } from '@/lib/api-types';
import { downloadCsv, toCsv, type CsvColumn } from '@/lib/csv';

export interface ListColumn<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

const PAGE_SIZE = 50;
const EXPORT_MAX_PAGES = 20;

export function PagedList<T>({
  resource,
  filters,
  columns,
  csv,
  rowKey,
  toolbar,
  testId,
}: {
  resource: 'orders' | 'trades';
  filters: Query;
  columns: ListColumn<T>[];
  csv: CsvColumn<T>[];
  rowKey: (row: T) => string;
  toolbar: ReactNode;
  testId: string;
}) {
  const api = useApi();
  const { exchange } = useExchange();
  const [page, setPage] = useState(1);
  const [exporting, setExporting] = useState(false);
  const [filterKey, setFilterKey] = useState('');
  const key = JSON.stringify(filters) + exchange;
  if (key !== filterKey) {
    // New filters start again at page 1.
    setFilterKey(key);
    setPage(1);
  }
  const query = useQuery({
    queryKey: [resource, exchange, filters, page],
    queryFn: () => api.get<Page<T>>(`/api/${resource}`, { ...filters, exchange, page, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const data = query.data;

  async function exportCsv() {
    setExporting(true);
    try {
      const rows: T[] = [];
      for (let p = 1; p <= EXPORT_MAX_PAGES; p++) {
        const res = await api.get<Page<T>>(`/api/${resource}`, { ...filters, exchange, page: p, limit: 100 });
        rows.push(...res.data);
        if (p >= res.totalPages) break;
      }
      downloadCsv(`${resource}-${new Date().toISOString().slice(0, 19)}.csv`, toCsv(csv, rows));
    } finally {
      setExporting(false);
    }
  }

  return (
    <Card>
      <CardContent className="p-3">
        <div className="mb-3 flex flex-wrap items-end gap-2">
          {toolbar}
          <Button variant="outline" className="ml-auto" onClick={() => void exportCsv()} disabled={exporting || data?.total === 0} data-testid="export-csv">
            <Download /> {exporting ? 'Exporting…' : 'Export CSV'}
          </Button>
        </div>
        <ErrorNote error={query.error} />
        <Table data-testid={testId}>
          <THead>
            <TR>
              {columns.map((c) => (
                <TH key={c.header} className={c.className}>{c.header}</TH>
              ))}
            </TR>
          </THead>
          <TBody>
            {(data?.data ?? []).map((row) => (
              <TR key={rowKey(row)}>
                {columns.map((c) => (
                  <TD key={c.header} className={c.className}>{c.cell(row)}</TD>
                ))}
              </TR>
            ))}
            {data?.data.length === 0 && <EmptyRow colSpan={columns.length}>Nothing matches these filters.</EmptyRow>}
          </TBody>
        </Table>
        <div className="mt-3 flex items-center justify-between text-sm text-neutral-500">
          <span>
            {data?.total ?? 0} rows · page {data?.page ?? page} of {Math.max(data?.totalPages ?? 1, 1)}
          </span>
          <div className="flex gap-2">
            <Button variant="outline" size="sm" disabled={page <= 1} onClick={() => { setPage(page - 1); }}>Previous</Button>
            <Button variant="outline" size="sm" disabled={page >= (data?.totalPages ?? 1)} onClick={() => { setPage(page + 1); }}>Next</Button>
          </div>
        </div>
      </CardContent>
    </Card>
  );
}
