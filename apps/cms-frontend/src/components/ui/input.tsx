/** Text input, native select and label with the same look. */
import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

const field =
  'h-9 w-full rounded-md border border-neutral-300 bg-transparent px-3 py-1 text-sm shadow-sm placeholder:text-neutral-400 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-50 dark:border-neutral-700 aria-[invalid=true]:border-red-500';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input className={cn(field, className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<'select'>) {
  return <select className={cn(field, 'bg-white dark:bg-neutral-900', className)} {...props} />;
}

export function Label({ className, ...props }: ComponentProps<'label'>) {
  return <label className={cn('text-sm font-medium text-neutral-700 dark:text-neutral-300', className)} {...props} />;
}

export function FieldError({ message, id }: { message: string | null | undefined; id?: string }) {
  if (message === null || message === undefined) return null;
  return (
    <p id={id} role="alert" className="text-xs text-red-500">
      {message}
    </p>
  );
}
