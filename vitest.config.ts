import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // Vitest's default is one worker fewer than the cores: one worker on a 2-core machine. Most test
    // time is spent waiting on loopback servers and child processes, so two workers keep both cores busy.
    maxWorkers: 2,
    minWorkers: 1,
    // A throwaway Postgres for the whole run (or TEST_POSTGRES_URL); none: the Postgres tests skip.
    globalSetup: ["test/helpers/postgres/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
