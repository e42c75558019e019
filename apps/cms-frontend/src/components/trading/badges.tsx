/** Status, side, mode and exchange badges, and the coloured PnL / price text. */
import type { BotState } from '@trading/shared-types/browser';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { formatPnl, formatPrice, pnlSign, type DecimalInput } from '@/lib/format';
import { cn } from '@/lib/utils';

const STATE_TONE: Record<BotState, BadgeTone> = {
  IDLE: 'neutral',
  STARTING: 'blue',
  RUNNING: 'green',
  PAUSING: 'amber',
  PAUSED: 'amber',
  STOPPING: 'amber',
  STOPPED: 'neutral',
  RISK_STOPPED: 'red',
  ERROR: 'red',
};

export function StateBadge({ state }: { state: string }) {
  return (
    <Badge tone={(STATE_TONE as Record<string, BadgeTone | undefined>)[state] ?? 'neutral'} data-testid="bot-state">
      {state}
    </Badge>
  );
}

const ORDER_TONE: Record<string, BadgeTone> = { FILLED: 'green', PARTIALLY_FILLED: 'blue', OPEN: 'blue', CANCELLED: 'neutral', REJECTED: 'red', FAILED: 'red', EXPIRED: 'neutral', AMBIGUOUS: 'amber' };

export function OrderStatusBadge({ status }: { status: string }) {
  return <Badge tone={ORDER_TONE[status] ?? 'neutral'}>{status}</Badge>;
}

export function SideBadge({ side }: { side: string }) {
  return <Badge tone={side === 'BUY' || side === 'LONG' ? 'green' : side === 'SELL' || side === 'SHORT' ? 'red' : 'neutral'}>{side}</Badge>;
}

export function ModeBadge({ mode }: { mode: string }) {
  return <Badge tone={mode === 'live' ? 'violet' : 'neutral'}>{mode}</Badge>;
}

export function ExchangeBadge({ exchange }: { exchange: string | null }) {
  if (exchange === null) return <Badge>system</Badge>;
  return <Badge tone={exchange === 'okx' ? 'blue' : 'violet'}>{exchange === 'okx' ? 'OKX' : 'Polymarket'}</Badge>;
}

export function Pnl({ value, className, suffix }: { value: DecimalInput; className?: string; suffix?: string }) {
  const sign = pnlSign(value);
  return (
    <span className={cn('tabular-nums', sign > 0 && 'text-emerald-600 dark:text-emerald-400', sign < 0 && 'text-red-600 dark:text-red-400', className)}>
      {formatPnl(value)}
      {suffix !== undefined && ` ${suffix}`}
    </span>
  );
}

export function Price({ value, instrumentId }: { value: DecimalInput; instrumentId: string | null | undefined }) {
  return <span className="tabular-nums">{formatPrice(value, instrumentId)}</span>;
}
