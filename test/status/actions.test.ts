import { describe, expect, it } from "vitest";
import { createStatusActions } from "../../src/status/actions.js";
import { useTempDatabases } from "../db/temp-database.js";
import { discardingLogger, memoryLogger } from "../helpers/logs.js";
import { statusConfig } from "./seed.js";

const temp = useTempDatabases();

describe("status actions", () => {
  it("starts one reconciliation at a time and lets the next start once it has finished", async () => {
    let finish: () => void = () => undefined;
    let calls = 0;
    const actions = createStatusActions({
      database: temp.open(),
      config: statusConfig(),
      logger: discardingLogger(),
      reconcileNow: () => {
        calls++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      nextScheduledRun: () => undefined,
    });
    expect(actions.startReconcile()).toBe("started");
    expect(actions.startReconcile()).toBe("already-running");
    expect(calls).toBe(1);
    finish();
    await actions.idle();
    expect(actions.startReconcile()).toBe("started");
    expect(calls).toBe(2);
    finish();
    await actions.idle();
  });

  it("logs a run that throws instead of leaving an unhandled rejection", async () => {
    const { logger, logs: lines } = memoryLogger("info");
    const actions = createStatusActions({
      database: temp.open(),
      config: statusConfig(),
      logger,
      reconcileNow: () => Promise.reject(new Error("database is locked")),
      nextScheduledRun: () => new Date(0),
    });
    expect(actions.startReconcile()).toBe("started");
    await actions.idle();
    expect(lines.join("")).toContain("database is locked");
    expect((await actions.view()).nextScheduledRunAt).toBe(0);
  });
});
