import { describe, expect, it } from "vitest";
import { watch } from "./spawn.js";

// The lifecycle's answers to a stop that does not finish, on a real process with a real signal. The
// fixture's grace is 500 ms instead of the real 8 s, so the test is quick.
const FIXTURE = "test/process/fixtures/stuck-stop.ts";

describe("a stop that does not finish", () => {
  it("is cut short when the grace is over: exit 1, and a line saying so", async () => {
    const stuck = watch([FIXTURE], { STUCK: "promise" });
    await stuck.saw(/ready/);
    stuck.child.kill("SIGTERM");
    expect(await stuck.endsWithin(5_000)).toEqual({ code: 1, signal: null });
    expect(stuck.stderr()).toContain("did not stop within 0.5 s");
  });

  it("is ended from another thread when the main thread itself is stuck", async () => {
    const stuck = watch([FIXTURE], { STUCK: "thread" });
    await stuck.saw(/ready/);
    stuck.child.kill("SIGINT");
    expect(await stuck.endsWithin(5_000)).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("gives way to a second signal at once", async () => {
    const stuck = watch([FIXTURE], { STUCK: "thread", GRACE_MS: "60000" });
    await stuck.saw(/ready/);
    stuck.child.kill("SIGINT");
    await stuck.saw(/stopping/);
    stuck.child.kill("SIGINT");
    expect(await stuck.endsWithin(2_000)).toEqual({ code: null, signal: "SIGINT" });
  });
});
