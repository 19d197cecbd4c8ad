import { describe, expect, it } from "vitest";
import { Metrics } from "../../src/observability/metrics.js";

describe("Metrics", () => {
  it("counts Clockify requests by method, route and status", async () => {
    const metrics = new Metrics();
    const route = "/workspaces/{workspaceId}/projects";
    metrics.recordClockifyRequest({ method: "GET", route, status: 429, attempt: 0, durationMs: 3 });
    metrics.recordClockifyRequest({ method: "GET", route, status: 200, attempt: 1, durationMs: 4 });
    metrics.recordClockifyRequest({ method: "GET", route, status: 200, attempt: 0, durationMs: 5 });
    const text = await metrics.registry.metrics();
    expect(text).toContain(`clockify_requests_total{method="GET",route="${route}",status="200"} 2`);
    expect(text).toContain(`clockify_requests_total{method="GET",route="${route}",status="429"} 1`);
    // A second instance starts from zero: no shared global registry.
    expect(await new Metrics().registry.metrics()).not.toContain("status=\"200\"} ");
  });
});
