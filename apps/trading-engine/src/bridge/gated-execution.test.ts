import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { OrderRejectedError, type ExecutionPort, type OrderRequest, type OrderState } from '../ports/execution.js';
import { GATE_CLOSED, gatedExecution } from './gated-execution.js';

/** Records which calls reach the venue. */
function recordingPort(calls: string[]): ExecutionPort {
  const state = {} as OrderState;
  return {
    createOrder: (request) => {
      calls.push(`create:${request.clientOrderId}`);
      return Promise.resolve(state);
    },
    amendOrder: (_instrumentId, clientOrderId) => {
      calls.push(`amend:${clientOrderId}`);
      return Promise.resolve(state);
    },
    cancelOrder: (_instrumentId, clientOrderId) => {
      calls.push(`cancel:${clientOrderId}`);
      return Promise.resolve(state);
    },
    cancelAllOrders: () => {
      calls.push('cancel-all');
      return Promise.resolve([]);
    },
    fetchOpenOrders: () => Promise.resolve([]),
    fetchOrderByClientId: () => Promise.resolve(null),
    fetchBalances: () => Promise.resolve([]),
    fetchPositions: () => Promise.resolve([]),
    setLeverage: () => Promise.resolve(),
    onExecution: () => () => undefined,
  };
}

describe('gatedExecution', () => {
  it('lets orders through only while the gate accepts the bot and its current fence', async () => {
    const calls: string[] = [];
    let open = true;
    let fence = 3;
    const seen: [string, number][] = [];
    const port = gatedExecution(
      recordingPort(calls),
      {
        canSendOrder: (botId, token) => {
          seen.push([botId, token]);
          return open;
        },
      },
      'bot-1',
      () => fence,
    );
    const request: OrderRequest = {
      clientOrderId: 'a1',
      instrumentId: 'okx:BTC-USDT-SWAP',
      side: 'BUY',
      type: 'LIMIT',
      price: new Decimal('100'),
      quantity: new Decimal('1'),
    };
    await port.createOrder(request);
    open = false;
    fence = 4;
    await expect(port.createOrder({ ...request, clientOrderId: 'a2' })).rejects.toSatisfy(
      (error) =>
        error instanceof OrderRejectedError && error.code === GATE_CLOSED && error.clientOrderId === 'a2',
    );
    await expect(
      port.amendOrder('okx:BTC-USDT-SWAP', 'a1', { price: new Decimal('101') }),
    ).rejects.toBeInstanceOf(OrderRejectedError);
    // Reducing risk stays possible while closed.
    await port.cancelOrder('okx:BTC-USDT-SWAP', 'a1');
    await port.cancelAllOrders();
    expect(calls).toEqual(['create:a1', 'cancel:a1', 'cancel-all']);
    expect(seen).toEqual([
      ['bot-1', 3],
      ['bot-1', 4],
      ['bot-1', 4],
    ]);
  });

  it('checks the gate again right before the adapter sends (beforeSend): a gate closed meanwhile stops the send', async () => {
    const sent: string[] = [];
    let open = true;
    let release: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => {
      release = resolve;
    });
    // An adapter that waits (rate limit, a store write) between taking the order and sending it.
    const slow: ExecutionPort = {
      ...recordingPort([]),
      createOrder: async (request) => {
        await waiting;
        request.beforeSend?.();
        sent.push(request.clientOrderId);
        return {} as OrderState;
      },
    };
    const port = gatedExecution(slow, { canSendOrder: () => open }, 'bot-1', () => 1);
    const placing = port.createOrder({
      clientOrderId: 'late',
      instrumentId: 'okx:BTC-USDT-SWAP',
      side: 'BUY',
      type: 'MARKET',
      quantity: new Decimal('1'),
    });
    open = false; // Redis lost while the adapter waited
    release();
    await expect(placing).rejects.toSatisfy((error) => error instanceof OrderRejectedError && error.code === GATE_CLOSED);
    expect(sent).toEqual([]);
  });

  it('asks canStillSend at send time when the gate has it (the order is counted once)', async () => {
    const asked: string[] = [];
    const slow: ExecutionPort = {
      ...recordingPort([]),
      createOrder: (request) => {
        request.beforeSend?.();
        return Promise.resolve({} as OrderState);
      },
    };
    const gate = {
      canSendOrder: () => {
        asked.push('handover');
        return true;
      },
      canStillSend: () => {
        asked.push('send');
        return true;
      },
    };
    await gatedExecution(slow, gate, 'bot-1', () => 1).createOrder({
      clientOrderId: 'once',
      instrumentId: 'okx:BTC-USDT-SWAP',
      side: 'BUY',
      type: 'MARKET',
      quantity: new Decimal('1'),
    });
    expect(asked).toEqual(['handover', 'send']);
  });
});
