import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config/index.js";
import { CANNOT_RELOAD, createStatusActions, type ReloadOutcome } from "../../src/status/actions.js";
import { useTempDatabases } from "../db/temp-database.js";
import { discardingLogger, memoryLogger } from "../helpers/logs.js";
import { statusConfig } from "./seed.js";

const temp = useTempDatabases();

const base = { logger: discardingLogger(), reconcileNow: () => Promise.resolve(), nextScheduledRun: () => undefined };

describe("status actions: reloadConfig", () => {
  it("answers that this process cannot reload when no reload was given", () => {
    const actions = createStatusActions({ ...base, database: temp.open(), config: statusConfig() });
    expect(actions.reloadConfig()).toEqual({ ok: false, message: "this process cannot reload its config" });
    expect(CANNOT_RELOAD).toEqual({ ok: false, message: "this process cannot reload its config" });
  });

  it("passes the reload's outcome on, and the report follows the config in effect after it", async () => {
    const full = statusConfig();
    let current: Config = { ...full, pairs: full.pairs.filter((p) => p.id === "acme") };
    const answers: ReloadOutcome[] = [{ ok: false, message: "pairs[1].source.workspaceId: required" }, { ok: true, pairs: ["acme", "globex"] }];
    const actions = createStatusActions({
      ...base,
      database: temp.open(),
      config: () => current,
      reload: () => {
        const answer = answers.shift() ?? { ok: false, message: "no more answers" };
        if (answer.ok) current = full;
        return answer;
      },
    });
    expect((await actions.view()).report.pairs.map((p) => p.id)).toEqual(["acme"]);
    expect(actions.reloadConfig()).toEqual({ ok: false, message: "pairs[1].source.workspaceId: required" });
    expect((await actions.view()).report.pairs.map((p) => p.id)).toEqual(["acme"]);
    expect(actions.reloadConfig()).toEqual({ ok: true, pairs: ["acme", "globex"] });
    expect((await actions.view()).report.pairs.map((p) => p.id)).toEqual(["acme", "globex"]);
  });

  it("turns a reload that throws into a refusal with a sentence, and logs the error", () => {
    const { logger, logs } = memoryLogger("info");
    const actions = createStatusActions({
      ...base,
      logger,
      database: temp.open(),
      config: statusConfig(),
      reload: () => {
        throw new Error("EACCES: permission denied, open 'clockify-sync.config.json'");
      },
    });
    expect(actions.reloadConfig()).toEqual({ ok: false, message: "the reload failed unexpectedly; see the service log" });
    expect(logs.join("")).toContain("EACCES");
  });
});
