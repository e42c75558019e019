/**
 * Bot runtime: the state machine's transition table, the lifecycle through the engine (every transition an event
 * with a reason), timers on simulated time, and error isolation (a throwing strategy moves only its bot to ERROR
 * and its orders are cancelled; the other bots go on).
 */
import { describe, expect, it } from 'vitest';
import type { BotState } from '@trading/shared-types';
import { BotStateMachine, IllegalTransitionError, canTransition } from '../../src/bots/bot-state-machine.js';
import { BTC_SWAP, book, d } from './fixtures.js';
import { engineRig, expectSchemaValid, scripted, settle } from './engine-fixtures.js';

const BTC = BTC_SWAP.id;

describe('bot state machine', () => {
  it.each<[BotState, BotState, boolean]>([
    ['IDLE', 'STARTING', true],
    ['IDLE', 'RUNNING', false],
    ['STARTING', 'RUNNING', true],
    ['RUNNING', 'PAUSING', true],
    ['PAUSING', 'PAUSED', true],
    ['PAUSED', 'STARTING', true],
    ['PAUSED', 'RUNNING', false],
    ['RUNNING', 'STOPPING', true],
    ['STOPPING', 'STOPPED', true],
    ['STOPPED', 'RUNNING', false],
    ['STOPPED', 'STARTING', true],
    ['RUNNING', 'RISK_STOPPED', true],
    ['RUNNING', 'ERROR', true],
    ['RISK_STOPPED', 'RUNNING', false],
    ['ERROR', 'STARTING', true],
    ['STOPPED', 'ERROR', false],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('reports every transition with its reason and refuses illegal ones', () => {
    const seen: string[] = [];
    const machine = new BotStateMachine((from, to, reason) => seen.push(`${from}>${to}:${reason}`));
    machine.transition('STARTING', 'go');
    machine.transition('RUNNING', 'ready');
    expect(() => {
      machine.transition('IDLE', 'nope');
    }).toThrow(IllegalTransitionError);
    expect(seen).toEqual(['IDLE>STARTING:go', 'STARTING>RUNNING:ready']);
  });
});

describe('bot lifecycle in the engine', () => {
  it('starts, quotes, pauses (orders cancelled), resumes and stops, each transition an event', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 1_000));
    rig.engine.createBot(rig.spec('mm'));
    await rig.engine.startBot('mm');
    const bot = rig.engine.bot('mm');
    expect(bot.state).toBe('RUNNING');
    // simple-quoter quoted on start: bid 99.9 (mid 100 − 10 bps, rounded down to the tick) and ask 100.1.
    const open = bot.tracker.openOrders(BTC);
    expect(open.map((order) => `${order.side}@${order.price?.toFixed() ?? ''}`).sort()).toEqual([
      'BUY@99.9',
      'SELL@100.1',
    ]);

    await rig.engine.pauseBot('mm', 'operator pause');
    await settle();
    expect(bot.state).toBe('PAUSED');
    expect(await bot.execution.port.fetchOpenOrders()).toHaveLength(0);
    rig.okxFeed.publish(book(BTC, [[100.9, 5]], [[101.1, 5]], 2_000));
    expect(bot.tracker.openCount()).toBe(0); // a paused strategy gets no events

    await rig.engine.resumeBot('mm');
    expect(bot.state).toBe('RUNNING');
    expect(bot.tracker.openCount()).toBe(2);
    await rig.engine.stopBot('mm', 'operator stop');
    await settle();
    expect(rig.states('mm')).toEqual([
      'STARTING',
      'RUNNING',
      'PAUSING',
      'PAUSED',
      'STARTING',
      'RUNNING',
      'STOPPING',
      'STOPPED',
    ]);
    const reasons = rig.sink.ofType('bot-state-changed').map((event) => event.payload.reason);
    expect(reasons).toContain('operator pause');
    expect(reasons).toContain('operator stop');
    expect(await bot.execution.port.fetchOpenOrders()).toHaveLength(0);
    expectSchemaValid(rig.sink.events);
  });

  it('isolates a throwing strategy: only its bot goes to ERROR, its orders are cancelled, others go on', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 1_000));
    rig.engine.createBot(rig.spec('bad', { strategy: 'thrower' }));
    rig.engine.createBot(rig.spec('good'));
    await rig.engine.startBot('bad');
    await rig.engine.startBot('good');
    rig.okxFeed.publish(book(BTC, [[99.8, 5]], [[100.2, 5]], 1_100)); // bad quotes
    const bad = rig.engine.bot('bad');
    expect(bad.tracker.openCount()).toBe(1);
    rig.okxFeed.publish(book(BTC, [[101.8, 5]], [[102.2, 5]], 1_200)); // bad throws
    await settle();
    expect(bad.state).toBe('ERROR');
    expect(await bad.execution.port.fetchOpenOrders()).toHaveLength(0);
    const errorEvent = rig.sink
      .ofType('bot-state-changed')
      .find((event) => event.botId === 'bad' && event.payload.to === 'ERROR');
    expect(errorEvent?.payload.reason).toMatch(/boom in onBook/);
    expect(
      rig.sink.ofType('bot-log').some((event) => event.botId === 'bad' && event.payload.level === 'error'),
    ).toBe(true);

    // The good bot saw the same event and requoted around the new mid (102).
    const good = rig.engine.bot('good');
    expect(good.state).toBe('RUNNING');
    expect(
      good.tracker
        .openOrders(BTC)
        .map((order) => order.price?.toFixed())
        .sort(),
    ).toEqual(['101.8', '102.2']);
    rig.okxFeed.publish(book(BTC, [[104.8, 5]], [[105.2, 5]], 1_300));
    expect(
      good.tracker
        .openOrders(BTC)
        .map((order) => order.price?.toFixed())
        .sort(),
    ).toEqual(['104.8', '105.2']);
    expect(bad.state).toBe('ERROR');
    expectSchemaValid(rig.sink.events);
  });

  it('fires the timer on simulated time, not the wall clock', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 1_000));
    rig.engine.createBot(rig.spec('t', { strategy: 'scripted' }));
    await rig.engine.startBot('t');
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 1_500));
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 2_000));
    rig.clock.set(4_500);
    rig.engine.tick();
    expect(scripted.seen('t')).toEqual(['timer@2000', 'timer@4500']);
  });

  it('rejects a bot whose strategy config does not match its schema', () => {
    const rig = engineRig();
    expect(() =>
      rig.engine.createBot(rig.spec('x', { config: { instrumentId: BTC, spreadBps: -1 } })),
    ).toThrow(/spreadBps/);
    expect(() => rig.engine.createBot(rig.spec('y', { strategy: 'nope' }))).toThrow(/unknown strategy/);
  });

  it('delivers fills to the strategy and books them', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 1_000));
    rig.engine.createBot(rig.spec('f', { strategy: 'scripted' }));
    await rig.engine.startBot('f');
    scripted.queue('f', {
      type: 'place-order',
      instrumentId: BTC,
      side: 'BUY',
      orderType: 'LIMIT',
      price: d('100.1'),
      quantity: d(2),
      clientOrderId: 'buy1',
    });
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 1_100));
    await settle();
    expect(scripted.seen('f')).toContain('fill:buy1:2');
    expect(rig.engine.bot('f').ledger.position(BTC).quantity.toFixed()).toBe('2');
    const filled = rig.sink.ofType('order-filled');
    expect(filled.at(-1)?.payload.fill).toMatchObject({
      price: '100.1',
      quantity: '2',
      role: 'taker',
      fee: '0.001001',
    });
    // The PnL snapshot carries the open notional maxExposure limits: 2 contracts × 0.01 BTC at the mark (mid 100).
    expect(rig.sink.ofType('pnl-updated').at(-1)?.payload.pnl.exposure).toBe('2');
    expectSchemaValid(rig.sink.events);
  });

  it('gives a re-created bot (restart, adoption) fill ids that never repeat the earlier run', async () => {
    const rig = engineRig();
    rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], 1_000));
    const fillIds: string[] = [];
    for (const [run, at] of [[1, 1_100], [2, 1_200]] as const) {
      rig.engine.createBot(rig.spec('again', { strategy: 'scripted' }));
      await rig.engine.startBot('again');
      scripted.queue('again', {
        type: 'place-order',
        instrumentId: BTC,
        side: 'BUY',
        orderType: 'LIMIT',
        price: d('100.1'),
        quantity: d(1),
        clientOrderId: `buyrun${String(run)}`,
      });
      rig.okxFeed.publish(book(BTC, [[99.9, 5]], [[100.1, 5]], at));
      await settle();
      await rig.engine.removeBot('again');
    }
    for (const event of rig.sink.ofType('order-filled')) fillIds.push(event.payload.fill.fillId);
    expect(fillIds).toHaveLength(2);
    expect(new Set(fillIds).size).toBe(2);
  });
});
