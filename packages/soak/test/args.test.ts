import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';

describe('soak command line', () => {
  it('defaults: one minute, 50 paper and 5 live bots, the given seed', () => {
    const args = parseArgs([], 1234);
    expect(args).toMatchObject({ minutes: 1, seed: 1234, paper: 50, live: 5, writeDoc: null, keepDatabase: false });
  });

  it('reads every flag', () => {
    const args = parseArgs(['--minutes', '10', '--seed', '7', '--paper', '20', '--live', '0', '--write-doc', 'docs/reliability.md', '--keep-db', '--postgres', 'postgres://u@h:1/'], 1);
    expect(args).toMatchObject({ minutes: 10, seed: 7, paper: 20, live: 0, writeDoc: 'docs/reliability.md', keepDatabase: true, postgresUrl: 'postgres://u@h:1' });
  });

  it('names the bad flag', () => {
    expect(() => parseArgs(['--minutes', 'abc'], 1)).toThrow(/--minutes: must be a number >= 0.5, got "abc"/);
    expect(() => parseArgs(['--seed', '1.5'], 1)).toThrow(/--seed: must be an integer/);
    expect(() => parseArgs(['--paper'], 1)).toThrow(/--paper: needs a value/);
    expect(() => parseArgs(['--what'], 1)).toThrow(/unknown argument "--what"/);
  });
});
