/** Order status only moves forwards: a late "OPEN" never overwrites "FILLED". */
import { ORDER_STATUS_RANK } from './generated/constants.js';
import type { OrderStatus } from './generated/types.js';

export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'FILLED',
  'CANCELLED',
  'REJECTED',
  'EXPIRED',
  'FAILED',
]);

export function isTerminalOrderStatus(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.has(status);
}

/**
 * Whether a stored order may take `next` after `current`. The same non-terminal status may repeat (a second
 * partial fill); a terminal status is final.
 */
export function canAdvanceOrderStatus(current: OrderStatus, next: OrderStatus): boolean {
  if (isTerminalOrderStatus(current)) return false;
  if (current === next) return true;
  return ORDER_STATUS_RANK[next] > ORDER_STATUS_RANK[current];
}
