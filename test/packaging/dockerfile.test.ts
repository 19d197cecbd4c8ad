import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// The recipe's text. Its CMD and HEALTHCHECK are run for real in production-install.test.ts, over the
// same production install the image makes (there is no Docker engine here).
const root = fileURLToPath(new URL("../..", import.meta.url));
let dockerfile: string;

beforeAll(async () => {
  dockerfile = await readFile(join(root, "Dockerfile"), "utf8");
});

describe("Dockerfile", () => {
  it("states the production recipe", () => {
    expect(dockerfile).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^CMD \["node", "bin\/clockify-sync\.js", "serve"\]$/m);
    // `docker exec <container> clockify-sync reconcile`: the launcher on PATH.
    expect(dockerfile).toMatch(/ln -s \/app\/bin\/clockify-sync\.js \/usr\/local\/bin\/clockify-sync/);
    expect(dockerfile).toMatch(/DATABASE_PATH=\/data\//);
  });

  it("copies only files that exist", async () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? "").split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) await expect(stat(join(root, source))).resolves.toBeTruthy();
  });
});
