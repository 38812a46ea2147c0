import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{src,telemetry,telecommand,planning,bin,fixtures}/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
