/** Small status label. */
import { cva, type VariantProps } from 'class-variance-authority';
import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

const badgeVariants = cva('inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset', {
  variants: {
    tone: {
      neutral: 'bg-neutral-500/10 text-neutral-600 ring-neutral-500/30 dark:text-neutral-300',
      green: 'bg-emerald-500/10 text-emerald-600 ring-emerald-500/30 dark:text-emerald-400',
      red: 'bg-red-500/10 text-red-600 ring-red-500/30 dark:text-red-400',
      amber: 'bg-amber-500/10 text-amber-700 ring-amber-500/30 dark:text-amber-400',
      blue: 'bg-sky-500/10 text-sky-700 ring-sky-500/30 dark:text-sky-400',
      violet: 'bg-violet-500/10 text-violet-700 ring-violet-500/30 dark:text-violet-400',
    },
  },
  defaultVariants: { tone: 'neutral' },
});

export type BadgeTone = NonNullable<VariantProps<typeof badgeVariants>['tone']>;

export function Badge({ className, tone, ...props }: ComponentProps<'span'> & VariantProps<typeof badgeVariants>) {
  return <span className={cn(badgeVariants({ tone }), className)} {...props} />;
}
