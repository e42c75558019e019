'use client';
/**
 * Create a bot: exchange → strategy (only those supporting it) → wallet (only that exchange's) → mode, then the
 * strategy's config form generated from its JSON Schema, and risk limits with per-exchange defaults.
 */
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type SyntheticEvent } from 'react';
import { EXCHANGE_VALUES, type Bot, type Exchange, type TradingMode } from '@trading/shared-types/browser';
import { ConfigForm } from '@/components/trading/config-form';
import { ErrorNote, PageHeader } from '@/components/trading/page-header';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { useApi, usePermissions } from '@/hooks/use-api';
import { useStrategies, useWallets } from '@/hooks/use-queries';
import { ApiError } from '@/lib/api';
import { defaultRiskLimits, riskFieldsFor, type RiskFormValues } from '@/lib/risk-defaults';
import { buildConfig, fieldsFromSchema, initialValues, validateField, type FormValues } from '@/lib/schema-form';
import { useSchemaResolver } from '@/hooks/use-schema-resolver';



export default function NewBotPage() {
  const api = useApi();
  const router = useRouter();
  const { canMutate } = usePermissions();
  const strategies = useStrategies();
  const resolve = useSchemaResolver();
  const wallets = useWallets();
  const [exchange, setExchange] = useState<Exchange | ''>('');
  const [strategy, setStrategy] = useState('');
  const [walletId, setWalletId] = useState('');
  const [mode, setMode] = useState<TradingMode>('paper');
  const [name, setName] = useState('');
  const [config, setConfig] = useState<FormValues>({});
  const [configErrors, setConfigErrors] = useState<Record<string, string>>({});
  const [risk, setRisk] = useState<RiskFormValues | null>(null);
  const [riskErrors, setRiskErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const available = (strategies.data?.data ?? []).filter((s) => exchange !== '' && s.supportedExchanges.includes(exchange));
  const chosen = available.find((s) => s.name === strategy);
  const fields = useMemo(() => (chosen?.configSchema && resolve !== null ? fieldsFromSchema(chosen.configSchema, resolve) : []), [chosen, resolve]);
  const exchangeWallets = (wallets.data?.data ?? []).filter((w) => w.exchange === exchange && w.isActive);
  const riskFields = riskFieldsFor(exchange === '' ? [] : [exchange]);

  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => api.send<Bot>('POST', '/api/bots', body),
    onSuccess: (bot) => {
      router.push(`/bots/${bot.botId}`);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.details.length > 0) setFormError(`${e.message}: ${e.details.map((d) => `${d.field} ${d.message}`).join('; ')}`);
      else setFormError(e.message);
    },
  });

  if (!canMutate) return <p className="text-sm text-neutral-500">Viewers cannot create bots.</p>;

  function submit(e: SyntheticEvent) {
    e.preventDefault();
    setFormError(null);
    if (exchange === '' || chosen === undefined || risk === null) {
      setFormError('Choose an exchange and a strategy.');
      return;
    }
    if (name.trim() === '') {
      setFormError('Give the bot a name.');
      return;
    }
    if (mode === 'live' && walletId === '') {
      setFormError('A live bot needs a wallet.');
      return;
    }
    const cfg = buildConfig(fields, config);
    const rl = buildConfig(riskFields, risk as unknown as FormValues);
    if (!cfg.ok) setConfigErrors(cfg.errors);
    if (!rl.ok) setRiskErrors(rl.errors);
    if (!cfg.ok || !rl.ok) {
      setFormError('Fix the highlighted fields.');
      return;
    }
    const body: Record<string, unknown> = { name: name.trim(), exchange, strategy: chosen.name, mode, config: cfg.value, riskLimits: rl.value };
    if (walletId !== '') body.walletId = walletId;
    create.mutate(body);
  }

  return (
    <form onSubmit={submit} className="max-w-3xl space-y-4" noValidate>
      <PageHeader title="Create bot" />
      <Card>
        <CardHeader><CardTitle>1. Exchange, strategy, wallet, mode</CardTitle></CardHeader>
        <CardContent className="grid gap-3 sm:grid-cols-2">
          <div className="space-y-1">
            <Label htmlFor="exchange">Exchange</Label>
            <Select
              id="exchange"
              value={exchange}
              onChange={(e) => {
                const ex = e.target.value as Exchange | '';
                setExchange(ex);
                setStrategy('');
                setWalletId('');
                setRisk(ex === '' ? null : defaultRiskLimits(ex));
                setRiskErrors({});
              }}
            >
              <option value="">Choose…</option>
              {EXCHANGE_VALUES.map((ex) => (
                <option key={ex} value={ex}>{ex === 'okx' ? 'OKX' : 'Polymarket'}</option>
              ))}
            </Select>
          </div>
          <div className="space-y-1">
            <Label htmlFor="strategy">Strategy</Label>
            <Select
              id="strategy"
              value={strategy}
              disabled={exchange === ''}
              onChange={(e) => {
                setStrategy(e.target.value);
                const s = available.find((x) => x.name === e.target.value);
                const f = s?.configSchema && resolve !== null ? fieldsFromSchema(s.configSchema, resolve) : [];
                setConfig(initialValues(f));
                setConfigErrors({});
              }}
            >
              <option value="">Choose…</option>
              {available.map((s) => (
                <option key={s.name} value={s.name}>{s.displayName}</option>
              ))}
            </Select>
            {chosen !== undefined && <p className="text-xs text-neutral-500">{chosen.description}</p>}
          </div>
          <div className="space-y-1">
            <Label htmlFor="wallet">Wallet</Label>
            <Select id="wallet" value={walletId} disabled={exchange === ''} onChange={(e) => { setWalletId(e.target.value); }}>
              <option value="">{mode === 'paper' ? 'None (paper)' : 'Choose…'}</option>
              {exchangeWallets.map((w) => (
                <option key={w.walletId} value={w.walletId}>{w.name}</option>
              ))}
            </Select>
            {exchange !== '' && exchangeWallets.length === 0 && <p className="text-xs text-neutral-500">No wallet for this exchange yet.</p>}
          </div>
          <div className="space-y-1">
            <Label htmlFor="mode">Mode</Label>
            <Select id="mode" value={mode} onChange={(e) => { setMode(e.target.value as TradingMode); }}>
              <option value="paper">Paper (simulated fills)</option>
              <option value="live">Live (real orders)</option>
            </Select>
          </div>
          <div className="space-y-1 sm:col-span-2">
            <Label htmlFor="name">Name</Label>
            <Input id="name" value={name} maxLength={100} onChange={(e) => { setName(e.target.value); }} />
          </div>
        </CardContent>
      </Card>
      {chosen !== undefined && (
        <Card>
          <CardHeader><CardTitle>2. {chosen.displayName} config</CardTitle></CardHeader>
          <CardContent>
            {fields.length > 0 ? (
              <ConfigForm fields={fields} values={config} errors={configErrors} onChange={(v, e) => { setConfig(v); setConfigErrors(e); }} />
            ) : (
              <p className="text-sm text-neutral-500">This strategy has no configurable fields yet; it runs with its defaults.</p>
            )}
          </CardContent>
        </Card>
      )}
      {risk !== null && (
        <Card>
          <CardHeader><CardTitle>3. Risk limits</CardTitle></CardHeader>
          <CardContent className="grid gap-3 sm:grid-cols-2">
            {riskFields.map((f) => {
              const key = f.name as keyof RiskFormValues;
              const error = riskErrors[f.name];
              return (
                <div key={f.name} className="space-y-1">
                  <Label htmlFor={`risk-${f.name}`}>{f.label}{f.required && <span className="text-red-500"> *</span>}</Label>
                  <Input
                    id={`risk-${f.name}`}
                    inputMode="decimal"
                    value={risk[key]}
                    aria-invalid={error !== undefined}
                    onChange={(e) => {
                      setRisk({ ...risk, [key]: e.target.value });
                      const err = validateField(f, e.target.value);
                      const rest = Object.fromEntries(Object.entries(riskErrors).filter(([k]) => k !== f.name));
                      setRiskErrors(err === null ? rest : { ...rest, [f.name]: err });
                    }}
                  />
                  <FieldError message={error} />
                </div>
              );
            })}
          </CardContent>
        </Card>
      )}
      {formError !== null && <ErrorNote error={formError} />}
      <div className="flex gap-2">
        <Button type="submit" disabled={create.isPending} data-testid="submit-bot">
          {create.isPending ? 'Creating…' : 'Create bot'}
        </Button>
        <Button type="button" variant="outline" onClick={() => { router.back(); }}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
