// One vitest run over every workspace: one summary, one worker pool sized for this 2-core machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: ['default'],
  },
});
