'use client';
/** A strategy config form rendered from its JSON Schema, validating each field as it is edited. */
import { FieldError, Input, Label, Select } from '@/components/ui/input';
import { validateField, type FormField, type FormValues } from '@/lib/schema-form';

export function ConfigForm({
  fields,
  values,
  onChange,
  errors,
  disabled = false,
  idPrefix = 'cfg',
}: {
  fields: FormField[];
  values: FormValues;
  onChange: (values: FormValues, errors: Record<string, string>) => void;
  errors: Record<string, string>;
  disabled?: boolean;
  idPrefix?: string;
}) {
  const set = (f: FormField, raw: string | boolean) => {
    const next = { ...values, [f.name]: raw };
    const error = validateField(f, raw);
    const rest = Object.fromEntries(Object.entries(errors).filter(([k]) => k !== f.name));
    onChange(next, error === null ? rest : { ...rest, [f.name]: error });
  };
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const raw = values[f.name];
        const error = errors[f.name];
        return (
          <div key={f.name} className="space-y-1">
            <Label htmlFor={id}>
              {f.label}
              {f.required && <span className="text-red-500"> *</span>}
            </Label>
            {f.kind === 'boolean' ? (
              <input id={id} type="checkbox" className="ml-2 size-4" checked={raw === true} disabled={disabled} onChange={(e) => { set(f, e.target.checked); }} />
            ) : f.kind === 'enum' ? (
              <Select id={id} value={typeof raw === 'string' ? raw : ''} disabled={disabled} onChange={(e) => { set(f, e.target.value); }} aria-invalid={error !== undefined}>
                <option value="">—</option>
                {(f.options ?? []).map((o) => (
                  <option key={o} value={o}>{o}</option>
                ))}
              </Select>
            ) : (
              <Input
                id={id}
                name={f.name}
                inputMode={f.kind === 'text' || f.kind === 'list' ? 'text' : 'decimal'}
                value={typeof raw === 'string' ? raw : ''}
                placeholder={f.kind === 'list' ? 'comma separated' : f.kind === 'decimal' ? '0.00' : ''}
                disabled={disabled}
                aria-invalid={error !== undefined}
                aria-describedby={error !== undefined ? `${id}-error` : undefined}
                onChange={(e) => { set(f, e.target.value); }}
              />
            )}
            {f.description !== undefined && <p className="text-xs text-neutral-500">{f.description}</p>}
            <FieldError message={error} id={`${id}-error`} />
          </div>
        );
      })}
    </div>
  );
}
