/** Plain table parts with the dashboard's styling. */
import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

export function Table({ className, ...props }: ComponentProps<'table'>) {
  return (
    <div className="w-full overflow-x-auto">
      <table className={cn('w-full caption-bottom text-sm', className)} {...props} />
    </div>
  );
}
export function THead(props: ComponentProps<'thead'>) {
  return <thead className="border-b border-neutral-200 dark:border-neutral-800" {...props} />;
}
export function TBody(props: ComponentProps<'tbody'>) {
  return <tbody className="[&_tr:last-child]:border-0" {...props} />;
}
export function TR({ className, ...props }: ComponentProps<'tr'>) {
  return <tr className={cn('border-b border-neutral-100 hover:bg-neutral-50 dark:border-neutral-800/60 dark:hover:bg-neutral-800/40', className)} {...props} />;
}
export function TH({ className, ...props }: ComponentProps<'th'>) {
  return <th className={cn('h-9 px-3 text-left align-middle text-xs font-medium uppercase tracking-wide text-neutral-500', className)} {...props} />;
}
export function TD({ className, ...props }: ComponentProps<'td'>) {
  return <td className={cn('px-3 py-2 align-middle tabular-nums', className)} {...props} />;
}
export function EmptyRow({ colSpan, children }: { colSpan: number; children: string }) {
  return (
    <tr>
      <td colSpan={colSpan} className="px-3 py-8 text-center text-sm text-neutral-500">
        {children}
      </td>
    </tr>
  );
}
