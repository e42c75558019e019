/**
 * Bot lifecycle as a transition table: IDLE → STARTING → RUNNING → PAUSING/PAUSED → STOPPING → STOPPED, plus
 * RISK_STOPPED and ERROR. Every transition is an event with a reason (bot-state-changed); an illegal one throws.
 */
import type { BotState } from '@trading/shared-types';

const TRANSITIONS: Readonly<Record<BotState, readonly BotState[]>> = {
  IDLE: ['STARTING'],
  STARTING: ['RUNNING', 'STOPPING', 'RISK_STOPPED', 'ERROR'],
  RUNNING: ['PAUSING', 'STOPPING', 'RISK_STOPPED', 'ERROR'],
  PAUSING: ['PAUSED', 'STOPPING', 'RISK_STOPPED', 'ERROR'],
  PAUSED: ['STARTING', 'STOPPING', 'RISK_STOPPED', 'ERROR'],
  STOPPING: ['STOPPED', 'RISK_STOPPED', 'ERROR'],
  STOPPED: ['STARTING'],
  RISK_STOPPED: ['STARTING', 'STOPPED'],
  ERROR: ['STARTING', 'STOPPED'],
};

/** States in which the bot holds subscriptions and may have orders. */
export const ACTIVE_STATES: ReadonlySet<BotState> = new Set([
  'STARTING',
  'RUNNING',
  'PAUSING',
  'PAUSED',
  'STOPPING',
]);

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: BotState,
    readonly to: BotState,
  ) {
    super(`illegal bot transition ${from} → ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function canTransition(from: BotState, to: BotState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: BotState): readonly BotState[] {
  return TRANSITIONS[from];
}

export class BotStateMachine {
  private current: BotState = 'IDLE';

  constructor(private readonly onTransition: (from: BotState, to: BotState, reason: string) => void) {}

  get state(): BotState {
    return this.current;
  }

  transition(to: BotState, reason: string): void {
    const from = this.current;
    if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
    this.current = to;
    this.onTransition(from, to, reason);
  }

  /** Transition if allowed; returns whether it happened. */
  tryTransition(to: BotState, reason: string): boolean {
    if (!canTransition(this.current, to)) return false;
    this.transition(to, reason);
    return true;
  }
}
