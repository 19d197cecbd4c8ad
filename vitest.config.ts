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
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
