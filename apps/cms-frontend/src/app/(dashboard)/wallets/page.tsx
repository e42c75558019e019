'use client';
/** Wallets: list with balances, add (credentials typed once and never shown again), delete. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Plus, Trash2 } from 'lucide-react';
import { useState, type SyntheticEvent } from 'react';
import { EXCHANGE_VALUES, type Exchange, type WalletPublic } from '@trading/shared-types/browser';
import { ExchangeBadge } from '@/components/trading/badges';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { Input, Label, Select } from '@/components/ui/input';
import { EmptyRow, Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useApi, usePermissions } from '@/hooks/use-api';
import { useWallets } from '@/hooks/use-queries';
import { formatDecimal, formatTime } from '@/lib/format';

const CREDENTIAL_FIELDS: Record<Exchange, { key: string; label: string; secret: boolean }[]> = {
  okx: [
    { key: 'apiKey', label: 'API key', secret: true },
    { key: 'secret', label: 'Secret key', secret: true },
    { key: 'passphrase', label: 'Passphrase', secret: true },
  ],
  polymarket: [
    { key: 'privateKey', label: 'Private key', secret: true },
    { key: 'proxyAddress', label: 'Proxy (funder) address', secret: false },
  ],
};

function AddWallet() {
  const api = useApi();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [exchange, setExchange] = useState<Exchange>('okx');
  const [name, setName] = useState('');
  const [creds, setCreds] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: unknown) => api.send<WalletPublic>('POST', '/api/wallets', body),
    onSuccess: () => {
      // The secrets leave browser memory as soon as the backend has them.
      setCreds({});
      setName('');
      setOpen(false);
      void qc.invalidateQueries({ queryKey: ['wallets'] });
    },
  });
  function submit(e: SyntheticEvent) {
    e.preventDefault();
    const credentials = Object.fromEntries(Object.entries(creds).filter(([, v]) => v.trim() !== ''));
    create.mutate({ name: name.trim(), exchange, credentials });
  }
  return (
    <Dialog open={open} onOpenChange={(o) => { setOpen(o); if (!o) setCreds({}); }}>
      <Button onClick={() => { setOpen(true); }} data-testid="add-wallet"><Plus /> Add wallet</Button>
      <DialogContent title="Add wallet" description="Credentials are encrypted by the server and can never be displayed again.">
        <form className="space-y-3" onSubmit={submit} autoComplete="off">
          <div className="space-y-1">
            <Label htmlFor="w-exchange">Exchange</Label>
            <Select id="w-exchange" value={exchange} onChange={(e) => { setExchange(e.target.value as Exchange); setCreds({}); }}>
              {EXCHANGE_VALUES.map((ex) => <option key={ex} value={ex}>{ex === 'okx' ? 'OKX' : 'Polymarket'}</option>)}
            </Select>
          </div>
          <div className="space-y-1">
            <Label htmlFor="w-name">Name</Label>
            <Input id="w-name" value={name} onChange={(e) => { setName(e.target.value); }} required maxLength={100} />
          </div>
          {CREDENTIAL_FIELDS[exchange].map((f) => (
            <div key={f.key} className="space-y-1">
              <Label htmlFor={`w-${f.key}`}>{f.label}</Label>
              <Input id={`w-${f.key}`} type={f.secret ? 'password' : 'text'} autoComplete="new-password" value={creds[f.key] ?? ''} onChange={(e) => { setCreds({ ...creds, [f.key]: e.target.value }); }} />
            </div>
          ))}
          <ErrorNote error={create.error} />
          <div className="flex justify-end gap-2">
            <DialogClose asChild><Button type="button" variant="outline">Cancel</Button></DialogClose>
            <Button type="submit" disabled={create.isPending || name.trim() === ''} data-testid="save-wallet">Save</Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export default function WalletsPage() {
  const api = useApi();
  const qc = useQueryClient();
  const wallets = useWallets();
  const { canMutate } = usePermissions();
  const [toDelete, setToDelete] = useState<WalletPublic | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => api.send<unknown>('DELETE', `/api/wallets/${id}`),
    onSuccess: () => { setToDelete(null); void qc.invalidateQueries({ queryKey: ['wallets'] }); },
  });
  return (
    <div>
      <PageHeader title="Wallets" description="Exchange accounts the bots trade with." actions={canMutate && <AddWallet />} />
      <ErrorNote error={wallets.error ?? remove.error} />
      <Card>
        <CardContent className="pt-4">
          <Table data-testid="wallets-table">
            <THead><TR><TH>Name</TH><TH>Exchange</TH><TH>Credentials</TH><TH>Balances</TH><TH>Status</TH><TH>Created</TH>{canMutate && <TH />}</TR></THead>
            <TBody>
              {(wallets.data?.data ?? []).map((w) => (
                <TR key={w.walletId} data-exchange={w.exchange}>
                  <TD className="font-medium">{w.name}</TD>
                  <TD><ExchangeBadge exchange={w.exchange} /></TD>
                  <TD className="text-xs text-neutral-500">{w.credentialKeys.join(', ')} (hidden)</TD>
                  <TD className="text-xs">{(w.balances ?? []).length === 0 ? '—' : (w.balances ?? []).map((b) => `${formatDecimal(b.total)} ${b.currency}`).join(' · ')}</TD>
                  <TD><Badge tone={w.isActive ? 'green' : 'neutral'}>{w.isActive ? 'active' : 'inactive'}</Badge></TD>
                  <TD>{formatTime(w.createdAt)}</TD>
                  {canMutate && <TD><Button variant="ghost" size="icon" aria-label={`Delete ${w.name}`} onClick={() => { setToDelete(w); }}><Trash2 /></Button></TD>}
                </TR>
              ))}
              {wallets.data?.data.length === 0 && <EmptyRow colSpan={7}>No wallets.</EmptyRow>}
            </TBody>
          </Table>
        </CardContent>
      </Card>
      <Dialog open={toDelete !== null} onOpenChange={(o) => { if (!o) setToDelete(null); }}>
        <DialogContent title={`Delete wallet “${toDelete?.name ?? ''}”?`} description="Bots using it must be deleted or moved first.">
          <div className="flex justify-end gap-2">
            <DialogClose asChild><Button variant="outline">Cancel</Button></DialogClose>
            <Button variant="destructive" onClick={() => { if (toDelete !== null) remove.mutate(toDelete.walletId); }}>Delete</Button>
          </div>
        </DialogContent>
      </Dialog>
    </div>
  );
}
