import { describe, expect, it } from 'vitest';
import { validate, parseAndValidate, toPlainDecimal, canAdvanceOrderStatus, formatName, REDIS_CHANNELS } from './index.js';

const riskLimits = { maxDailyLoss: '50', maxDrawdown: 10, maxPositionSize: '200' };

describe('validate', () => {
  it('names the field and the rule that failed', () => {
    const result = validate('RiskLimits', { ...riskLimits, maxDrawdown: 150 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([{ field: 'maxDrawdown', rule: 'maximum', message: 'maxDrawdown: must be <= 100' }]);
  });

  it('reports nested paths of request bodies', () => {
    const result = validate('CreateBotRequest', {
      name: 'x',
      exchange: 'okx',
      strategy: 'grid',
      mode: 'paper',
      riskLimits: { ...riskLimits, maxDrawdown: 101 },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.message)).toContain('riskLimits.maxDrawdown: must be <= 100');
  });

  it('reports a missing field and an unknown one by name', () => {
    const result = validate('LoginRequest', { email: 'a@b.co', pasword: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.issues.map((i) => i.message);
    expect(messages).toContain('password: is required');
    expect(messages).toContain('pasword: is not allowed');
  });

  it('accepts JSON numbers for decimals in requests and converts them exactly', () => {
    const body = {
      name: 'pm-mm-test',
      exchange: 'polymarket',
      strategy: 'market-making',
      walletId: 'w1',
      mode: 'paper',
      config: { spread: 0.03, orderSize: 10 },
      exchangeConfig: { marketId: '0x...', tokenId: '71321045' },
      riskLimits: { maxDailyLoss: 50, maxDrawdown: 10, maxPositionSize: 200.1 },
    };
    const result = validate('CreateBotRequest', body);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.riskLimits).toEqual({ maxDailyLoss: '50', maxDrawdown: 10, maxPositionSize: '200.1' });
    expect(body.riskLimits.maxDailyLoss).toBe(50);
  });

  it('applies the sign rule of a positive or non-negative decimal to JSON numbers too', () => {
    const grid = { lowerPrice: '90', upperPrice: '110', gridCount: 5 };
    const negative = validate('GridConfig', { ...grid, orderSize: -2 });
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.issues.map((i) => i.message)).toContain('orderSize: must be > 0');
    expect(validate('GridConfig', { ...grid, orderSize: 0 }).ok).toBe(false);
    const positive = validate('GridConfig', { ...grid, orderSize: 2 });
    expect(positive.ok).toBe(true);
    const limits = validate('CreateBotRequest', {
      name: 'b',
      exchange: 'okx',
      strategy: 'grid',
      walletId: 'w1',
      mode: 'paper',
      config: {},
      riskLimits: { maxDailyLoss: -1, maxDrawdown: 10, maxPositionSize: 200 },
    });
    expect(limits.ok).toBe(false);
    if (!limits.ok) expect(limits.issues.map((i) => i.field)).toContain('riskLimits.maxDailyLoss');
  });

  it('rejects JSON numbers for money in events and entities', () => {
    const result = validate('Balance', {
      exchange: 'okx',
      currency: 'USDT',
      total: 1.5,
      available: '1',
      frozen: '0.5',
      updatedAt: 1,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toBe('total: must be string');
  });

  it('rejects non-decimal strings for money', () => {
    const result = validate('RiskLimits', { ...riskLimits, maxDailyLoss: '1e3' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toBe('maxDailyLoss: must be a decimal string');
    const zero = validate('RiskLimits', { ...riskLimits, maxDailyLoss: '0.000' });
    expect(zero.ok).toBe(false);
  });

  it('discriminates engine events by type and names the broken payload field', () => {
    const event = {
      eventId: 'e1',
      engineId: 'te-1',
      exchange: 'okx',
      botId: 'b1',
      timestamp: 1,
      type: 'bot-state-changed',
      payload: { from: 'IDLE', to: 'FLYING', reason: 'x' },
    };
    const result = validate('EngineEvent', event);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/^payload\.to: must be one of "IDLE"/);
    expect(validate('EngineEvent', { ...event, payload: { from: 'IDLE', to: 'STARTING', reason: 'start' } }).ok).toBe(true);
    const unknownType = validate('EngineEvent', { ...event, type: 'nope' });
    expect(unknownType.ok).toBe(false);
  });

  it('reports malformed JSON as an issue instead of throwing', () => {
    const result = parseAndValidate('LoginRequest', '{"email":');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.rule).toBe('json');
  });
});

describe('toPlainDecimal', () => {
  it.each([
    [0.03, '0.03'],
    [10, '10'],
    [1e-7, '0.0000001'],
    [1.5e-7, '0.00000015'],
    [1e21, '1000000000000000000000'],
    [-2.5e-3, '-0.0025'],
    [123.456, '123.456'],
  ])('%s -> %s', (input, expected) => {
    expect(toPlainDecimal(input)).toBe(expected);
  });
});

describe('order status rank', () => {
  it('never goes backwards and terminal is final', () => {
    expect(canAdvanceOrderStatus('OPEN', 'FILLED')).toBe(true);
    expect(canAdvanceOrderStatus('FILLED', 'OPEN')).toBe(false);
    expect(canAdvanceOrderStatus('PARTIALLY_FILLED', 'PARTIALLY_FILLED')).toBe(true);
    expect(canAdvanceOrderStatus('PARTIALLY_FILLED', 'OPEN')).toBe(false);
    expect(canAdvanceOrderStatus('CANCELLED', 'CANCELLED')).toBe(false);
    expect(canAdvanceOrderStatus('PENDING', 'REJECTED')).toBe(true);
  });
});

describe('formatName', () => {
  it('fills placeholders and refuses missing values', () => {
    expect(formatName(REDIS_CHANNELS.engineEvent, { type: 'order-filled', engineId: 'te-1' })).toBe('te:order-filled:te-1');
    expect(() => formatName(REDIS_CHANNELS.engineEvent, { type: 'x' })).toThrow(/engineId/);
  });
});
