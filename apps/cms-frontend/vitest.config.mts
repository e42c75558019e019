import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cms-frontend',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    passWithNoTests: true,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
