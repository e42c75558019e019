/** Tabs on Radix Tabs. */
import { Tabs as T } from 'radix-ui';
import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

export const Tabs = T.Root;

export function TabsList({ className, ...props }: ComponentProps<typeof T.List>) {
  return <T.List className={cn('inline-flex flex-wrap gap-1 rounded-md bg-neutral-100 p-1 dark:bg-neutral-800/60', className)} {...props} />;
}
export function TabsTrigger({ className, ...props }: ComponentProps<typeof T.Trigger>) {
  return (
    <T.Trigger
      className={cn(
        'rounded px-3 py-1 text-sm text-neutral-600 data-[state=active]:bg-white data-[state=active]:text-neutral-900 dark:text-neutral-400 dark:data-[state=active]:bg-neutral-900 dark:data-[state=active]:text-neutral-100',
        className,
      )}
      {...props}
    />
  );
}
export function TabsContent({ className, ...props }: ComponentProps<typeof T.Content>) {
  return <T.Content className={cn('mt-4', className)} {...props} />;
}
