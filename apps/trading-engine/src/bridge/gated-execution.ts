/**
 * The order gate on the execution port: wraps a bot's ExecutionPort so createOrder and amendOrder ask
 * `gate.canSendOrder(botId, fence)` first and refuse (OrderRejectedError code `gate-closed`) without touching the
 * venue when Redis is down, the engine is fail-closed or the lease/fence is not current. Cancels and reads always
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
  const check = (clientOrderId: string): void => {
    if (!gate.canSendOrder(botId, fence())) {
      throw new OrderRejectedError(
        GATE_CLOSED,
        'order gate closed: Redis unavailable or bot lease not held',
        clientOrderId,
      );
    }
  };
  return {
    createOrder: async (request) => {
      check(request.clientOrderId);
      return port.createOrder(request);
    },
    amendOrder: async (instrumentId, clientOrderId, changes) => {
      check(clientOrderId);
      return port.amendOrder(instrumentId, clientOrderId, changes);
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
  };
}
