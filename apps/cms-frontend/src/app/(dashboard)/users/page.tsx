'use client';
/** Users (admin): roles, exchange scopes, activation, creation. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Plus } from 'lucide-react';
import { useState, type SyntheticEvent } from 'react';
import { EXCHANGE_VALUES, USER_ROLE_VALUES, type Exchange, type UserPublic, type UserRole } from '@trading/shared-types/browser';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { Dialog, DialogClose, DialogContent } from '@/components/ui/dialog';
import { Input, Label, Select } from '@/components/ui/input';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useApi, usePermissions } from '@/hooks/use-api';
import type { Page } from '@/lib/api-types';
import { formatTime } from '@/lib/format';

function ExchangeChecks({ value, onChange, idPrefix }: { value: Exchange[]; onChange: (v: Exchange[]) => void; idPrefix: string }) {
  return (
    <span className="inline-flex gap-3">
      {EXCHANGE_VALUES.map((ex) => (
        <label key={ex} className="inline-flex items-center gap-1 text-xs" htmlFor={`${idPrefix}-${ex}`}>
          <input id={`${idPrefix}-${ex}`} type="checkbox" checked={value.includes(ex)} onChange={(e) => { onChange(e.target.checked ? [...value, ex] : value.filter((x) => x !== ex)); }} />
          {ex}
        </label>
      ))}
    </span>
  );
}

function CreateUser() {
  const api = useApi();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('viewer');
  const [exchanges, setExchanges] = useState<Exchange[]>([...EXCHANGE_VALUES]);
  const create = useMutation({
    mutationFn: (body: unknown) => api.send<UserPublic>('POST', '/api/users', body),
    onSuccess: () => { setOpen(false); setPassword(''); setEmail(''); void qc.invalidateQueries({ queryKey: ['users'] }); },
  });
  const submit = (e: SyntheticEvent) => { e.preventDefault(); create.mutate({ email, password, role, allowedExchanges: exchanges }); };
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button onClick={() => { setOpen(true); }}><Plus /> Add user</Button>
      <DialogContent title="Add user">
        <form className="space-y-3" onSubmit={submit}>
          <div className="space-y-1"><Label htmlFor="u-email">Email</Label><Input id="u-email" type="email" value={email} onChange={(e) => { setEmail(e.target.value); }} required /></div>
          <div className="space-y-1"><Label htmlFor="u-pw">Password (min 8)</Label><Input id="u-pw" type="password" autoComplete="new-password" value={password} onChange={(e) => { setPassword(e.target.value); }} required minLength={8} /></div>
          <div className="space-y-1"><Label htmlFor="u-role">Role</Label>
            <Select id="u-role" value={role} onChange={(e) => { setRole(e.target.value as UserRole); }}>{USER_ROLE_VALUES.map((r) => <option key={r}>{r}</option>)}</Select></div>
          <div className="space-y-1"><Label>Exchanges</Label><div><ExchangeChecks value={exchanges} onChange={setExchanges} idPrefix="u-new" /></div></div>
          <ErrorNote error={create.error} />
          <div className="flex justify-end gap-2"><DialogClose asChild><Button type="button" variant="outline">Cancel</Button></DialogClose><Button type="submit" disabled={create.isPending}>Create</Button></div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export default function UsersPage() {
  const api = useApi();
  const qc = useQueryClient();
  const { isAdmin } = usePermissions();
  const users = useQuery({ queryKey: ['users'], queryFn: () => api.get<Page<UserPublic>>('/api/users', { limit: 100 }), enabled: isAdmin });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) => api.send<UserPublic>('PATCH', `/api/users/${id}`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['users'] }),
  });
  if (!isAdmin) return <p className="text-sm text-neutral-500">Only administrators can manage users.</p>;
  return (
    <div>
      <PageHeader title="Users" description="Roles: admin (everything), operator (bots and wallets in scope), viewer (read-only)." actions={<CreateUser />} />
      <ErrorNote error={users.error ?? update.error} />
      <Card>
        <CardContent className="pt-4">
          <Table data-testid="users-table">
            <THead><TR><TH>Email</TH><TH>Role</TH><TH>Exchanges</TH><TH>Active</TH><TH>Last login</TH></TR></THead>
            <TBody>
              {(users.data?.data ?? []).map((u) => (
                <TR key={u.userId}>
                  <TD>{u.email}</TD>
                  <TD>
                    <Select className="h-8 w-32" value={u.role} aria-label={`Role of ${u.email}`} onChange={(e) => { update.mutate({ id: u.userId, body: { role: e.target.value } }); }}>
                      {USER_ROLE_VALUES.map((r) => <option key={r}>{r}</option>)}
                    </Select>
                  </TD>
                  <TD><ExchangeChecks value={u.allowedExchanges} idPrefix={`u-${u.userId}`} onChange={(v) => { update.mutate({ id: u.userId, body: { allowedExchanges: v } }); }} /></TD>
                  <TD><input type="checkbox" aria-label={`Active ${u.email}`} checked={u.isActive} onChange={(e) => { update.mutate({ id: u.userId, body: { isActive: e.target.checked } }); }} /></TD>
                  <TD>{formatTime(u.lastLoginAt ?? null)}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </CardContent>
      </Card>
    </div>
  );
}
