/**
 * The order gate on the execution port: wraps a bot's ExecutionPort so createOrder and amendOrder ask
 * `gate.canSendOrder(botId, fence)` first and refuse (OrderRejectedError code `gate-closed`) without touching the
 * venue when Redis is down, the engine is fail-closed or the lease/fence is not current — when the order is handed
 * over and again immediately before the adapter sends it. Cancels and reads always
 * pass: reducing risk is allowed while closed. Meant for the real kernel's VenueBinding.executionFor.
 */
import { OrderRejectedError, type ExecutionPort } from '../ports/execution.js';
import type { OrderGate } from './engine-kernel.js';

export const GATE_CLOSED = 'gate-closed';

export function gatedExecution(
  port: ExecutionPort,
  gate: OrderGate,
  botId: string,
  fence: () => number,
): ExecutionPort {
  const check = (clientOrderId: string, atSend = false): void => {
    const open = atSend && gate.canStillSend ? gate.canStillSend(botId, fence()) : gate.canSendOrder(botId, fence());
    if (!open) {
      throw new OrderRejectedError(
        GATE_CLOSED,
        'order gate closed: Redis unavailable or bot lease not held',
        clientOrderId,
      );
    }
  };
  return {
    // Checked when the order is handed over and again right before it leaves (`beforeSend`, called by the
    // adapter after its own waits): under CPU starvation the two can be a second apart.
    createOrder: async (request) => {
      check(request.clientOrderId);
      const outer = request.beforeSend;
      return port.createOrder({
        ...request,
        beforeSend: () => {
          check(request.clientOrderId, true);
          outer?.();
        },
      });
    },
    amendOrder: async (instrumentId, clientOrderId, changes) => {
      check(clientOrderId);
      const outer = changes.beforeSend;
      return port.amendOrder(instrumentId, clientOrderId, {
        ...changes,
        beforeSend: () => {
          check(clientOrderId, true);
          outer?.();
        },
      });
    },
    cancelOrder: (instrumentId, clientOrderId) => port.cancelOrder(instrumentId, clientOrderId),
    cancelAllOrders: (instrumentId) => port.cancelAllOrders(instrumentId),
    fetchOpenOrders: (instrumentId) => port.fetchOpenOrders(instrumentId),
    fetchOrderByClientId: (instrumentId, clientOrderId) =>
      port.fetchOrderByClientId(instrumentId, clientOrderId),
    fetchBalances: () => port.fetchBalances(),
    fetchPositions: (instrumentId) => port.fetchPositions(instrumentId),
    setLeverage: (instrumentId, leverage, marginMode) => port.setLeverage(instrumentId, leverage, marginMode),
    onExecution: (handler) => port.onExecution(handler),
    ...(port.fetchFills ? { fetchFills: port.fetchFills.bind(port) } : {}),
  };
}
