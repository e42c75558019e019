// One vitest run over every workspace: one summary, one worker pool sized for this 2-core machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    // One test file at a time: many files start real servers, engines, Redis instances and a browser, and on a
    // 2-core machine two such files side by side starve each other's heartbeats and timers.
    maxWorkers: 1,
    reporters: ['default'],
  },
});
