import { describe, expect, it } from "vitest";
import { recordCheckResults } from "../../src/db/checks.js";
import { allWarnings, collectStatus, pairWarnings, problemText } from "../../src/status/collect.js";
import { useTempDatabases } from "../db/temp-database.js";
import { PROBLEM_MESSAGES, seedProblems } from "./activity-seed.js";
import { HOUR, NOW, statusConfig } from "./seed.js";

const temp = useTempDatabases();

describe("the checks' problems in the status report", () => {
  it("lists the configured pairs' problems, errors first, with since when; a removed pair's are left out", async () => {
    const database = temp.open();
    await seedProblems(database);
    const report = await collectStatus(database, statusConfig(), NOW);
    expect(report.problems).toEqual([
      { pairId: "acme", check: "source.key", level: "error", message: PROBLEM_MESSAGES.key, checkedAt: NOW - 2 * HOUR, failingSince: NOW - 2 * HOUR },
      { pairId: "acme", check: "webhooks", level: "warning", message: PROBLEM_MESSAGES.webhooks, checkedAt: NOW - 2 * HOUR, failingSince: NOW - 2 * HOUR },
      { pairId: "globex", check: "destination.settings", level: "warning", message: PROBLEM_MESSAGES.globex, checkedAt: NOW - HOUR, failingSince: NOW - HOUR },
    ]);
  });

  it("makes allWarnings non-empty (npm run status exits 1) until the checks pass again", async () => {
    const database = temp.open();
    const config = statusConfig();
    const acmeOnly = { ...config, pairs: config.pairs.filter((p) => p.id === "acme") };
    expect(allWarnings(await collectStatus(database, acmeOnly, NOW))).toEqual([]);

    await recordCheckResults(database, "acme", [{ pairId: "acme", check: "source.key", level: "warning", message: "key of another user" }], NOW - HOUR);
    const report = await collectStatus(database, acmeOnly, NOW);
    expect(allWarnings(report)).toEqual(["warning · pair acme · source.key: key of another user"]);
    expect(report.problems.map(problemText)).toEqual(allWarnings(report));
    // The pairs' own warnings stay apart: the page shows the problems in their own section.
    expect(pairWarnings(report)).toEqual([]);

    await recordCheckResults(database, "acme", [{ pairId: "acme", check: "source.key", level: "ok", message: "accepted" }], NOW);
    expect(allWarnings(await collectStatus(database, acmeOnly, NOW))).toEqual([]);
  });
});
