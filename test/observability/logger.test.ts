import { describe, expect, it } from "vitest";
import { memoryLogger } from "../helpers/logs.js";

function capture() {
  const { logger, logs: lines } = memoryLogger("info");
  return { lines, logger };
}

describe("logger", () => {
  it("writes JSON and redacts secrets wherever they sit", () => {
    const { lines, logger } = capture();
    logger.info(
      {
        apiKey: "KEY-TOP-123",
        pair: { source: { apiKey: "KEY-NESTED-456" }, webhookSecrets: ["SECRET-789"] },
        headers: { "x-api-key": "KEY-HEADER-000", "clockify-signature": "SIG-111" },
        authToken: "TOKEN-222",
        workspaceId: "ws-visible",
      },
      "hello",
    );
    const text = lines.join("");
    for (const secret of ["KEY-TOP-123", "KEY-NESTED-456", "SECRET-789", "KEY-HEADER-000", "SIG-111", "TOKEN-222"]) {
      expect(text).not.toContain(secret);
    }
    const parsed = JSON.parse(lines[0] ?? "{}") as { msg: string; workspaceId: string; apiKey: string };
    expect(parsed.msg).toBe("hello");
    expect(parsed.workspaceId).toBe("ws-visible");
    expect(parsed.apiKey).toBe("[redacted]");
  });
});
