import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatCents,
  formatDecimal,
  formatHourMinute,
  formatMoney,
  formatPnl,
  formatPrice,
  formatProbability,
  formatQuantity,
  formatTime,
  outcomeSuffix,
  pnlSign,
  quoteCurrency,
  sumDecimals,
  usagePct,
} from './format.js';

describe('formatDecimal', () => {
  it('groups thousands and pads decimals', () => {
    expect(formatDecimal('1234.5')).toBe('1,234.50');
    expect(formatDecimal('1234567.891', 3)).toBe('1,234,567.891');
    expect(formatDecimal('0')).toBe('0.00');
  });
  it('keeps precision floats would lose', () => {
    expect(formatDecimal('123456789012345678.99')).toBe('123,456,789,012,345,678.99');
    expect(formatDecimal('0.1', 20)).toBe('0.10000000000000000000');
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.3');
  });
  it('rounds half up, not banker or binary rounding', () => {
    expect(formatDecimal('1.005')).toBe('1.01');
    expect(formatDecimal('2.675')).toBe('2.68');
    expect(formatDecimal('-1.005')).toBe('-1.01');
  });
  it('shows a dash for missing or malformed input', () => {
    expect(formatDecimal(null)).toBe('—');
    expect(formatDecimal(undefined)).toBe('—');
    expect(formatDecimal('abc')).toBe('—');
    expect(formatDecimal('')).toBe('—');
  });
  it('never shows a negative zero', () => {
    expect(formatDecimal('-0.001')).toBe('0.00');
  });
});

describe('PnL and money', () => {
  it('signs PnL', () => {
    expect(formatPnl('12.3')).toBe('+12.30');
    expect(formatPnl('-4')).toBe('-4.00');
    expect(formatPnl('0')).toBe('0.00');
    expect(pnlSign('-0.01')).toBe(-1);
    expect(pnlSign('0.00')).toBe(0);
    expect(pnlSign('5')).toBe(1);
  });
  it('adds the currency', () => {
    expect(formatMoney('1500', 'USDT')).toBe('1,500.00 USDT');
    expect(formatQuantity('1500.125')).toBe('1,500.125');
  });
});

describe('Polymarket prices', () => {
  it('shows cents', () => {
    expect(formatCents('0.575')).toBe('57.5¢');
    expect(formatCents('0.5')).toBe('50¢');
    expect(formatCents('0.01')).toBe('1¢');
    expect(formatCents('0.999')).toBe('99.9¢');
    expect(formatCents('0.1234')).toBe('12.34¢');
  });
  it('shows probabilities', () => {
    expect(formatProbability('0.42')).toBe('42%');
  });
  it('formats by venue', () => {
    expect(formatPrice('0.575', 'polymarket:123456')).toBe('57.5¢');
    expect(formatPrice('43250.1', 'okx:BTC-USDT-SWAP')).toBe('43,250.10 USDT');
    expect(formatPrice('0.00001234', 'okx:PEPE-USDT')).toBe('0.00001234 USDT');
    expect(quoteCurrency('okx:ETH-USDC')).toBe('USDC');
    expect(quoteCurrency('polymarket:1')).toBe('USDC');
  });
});

describe('helpers', () => {
  it('computes limit usage', () => {
    expect(usagePct('-25', '100')).toBe(25);
    expect(usagePct('150', '100')).toBe(100);
    expect(usagePct('1', '0')).toBeNull();
  });
  it('appends an outcome only when there is one', () => {
    expect(outcomeSuffix('YES')).toBe(' YES');
    expect(outcomeSuffix(null)).toBe('');
    expect(outcomeSuffix(undefined)).toBe('');
  });
  it('formats ages', () => {
    expect(formatAge(4_200)).toBe('4s');
    expect(formatAge(250_000)).toBe('4m 10s');
    expect(formatAge(7_500_000)).toBe('2h 5m');
  });
});

describe('formatTime', () => {
  const now = new Date(2026, 10, 25, 18, 0, 0);
  it('shows hh:mm:ss (24 h) for today and "Mon D hh:mm" for other days, from numbers, digit strings and ISO', () => {
    const morning = new Date(2026, 10, 25, 9, 5, 7);
    expect(formatTime(morning.getTime(), now)).toBe('09:05:07');
    expect(formatTime(String(morning.getTime()), now)).toBe('09:05:07');
    expect(formatTime(morning.toISOString(), now)).toBe('09:05:07');
    expect(formatTime(new Date(2026, 10, 24, 23, 59, 1).getTime(), now)).toBe('Nov 24 23:59');
    expect(formatTime(new Date(2026, 0, 3, 0, 0, 0).getTime(), now)).toBe('Jan 3 00:00');
  });
  it('shows an em dash for missing or unreadable times', () => {
    expect(formatTime(null, now)).toBe('—');
    expect(formatTime(undefined, now)).toBe('—');
    expect(formatTime('not a date', now)).toBe('—');
  });
  it('matches what toLocaleTimeString / toLocaleDateString print, over a spread of instants', () => {
    for (let i = 0; i < 500; i += 1) {
      const date = new Date(1_700_000_000_000 + i * 7_919_933);
      const hms = date.toLocaleTimeString('en-GB', { hour12: false });
      const expected = date.toDateString() === now.toDateString() ? hms : `${date.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${hms.slice(0, 5)}`;
      expect(formatTime(date.getTime(), now)).toBe(expected);
      expect(formatHourMinute(date.getTime())).toBe(date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }));
    }
  });
});
