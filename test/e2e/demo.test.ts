import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run demo -- --once", () => {
  it("plays the day, prints each mirrored change with its latency, and exits 0 when the destination matches", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--once", "--port", "0"], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code, output).toBe(0);
    expect(output).toMatch(/✓ Ada stops the timer\n\s+→ copy created in Customer \(\d+ ms\)/);
    expect(output).toContain("✓ Ada deletes that entry");
    expect(output).toContain("✓ The customer creates a project");
    expect(output).toContain("project created in Agency under Customer Co");
    expect(output).toContain("exactly the expected day");
    expect(output).toMatch(/status page: http:\/\/127\.0\.0\.1:\d+\//);
    expect(output).not.toContain("✗");
  }, 60_000);
});
