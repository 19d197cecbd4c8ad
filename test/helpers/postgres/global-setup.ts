import type { TestProject } from "vitest/node";
import { findPostgresBin, startCluster, type Cluster } from "./cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser URL of a Postgres for the tests, or "" when there is none (the Postgres tests skip). */
    postgresUrl: string;
  }
}

/**
 * Once per `npm test`: TEST_POSTGRES_URL when set, else a throwaway cluster of the machine's Postgres
 * binaries, else none, which skips the Postgres tests with one line. With CI=true there must be one.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.TEST_POSTGRES_URL;
  if (given) {
    project.provide("postgresUrl", given);
    return () => undefined;
  }
  const bin = findPostgresBin();
  if (!bin) {
    const how = "install Debian's postgresql package (or set TEST_POSTGRES_URL=postgres://…)";
    if (process.env.CI === "true") throw new Error(`CI=true but no Postgres for the tests: ${how}`);
    console.warn(`Postgres tests skipped: no Postgres found; ${how} to run them`);
    project.provide("postgresUrl", "");
    return () => undefined;
  }
  const cluster: Cluster = await startCluster(bin);
  project.provide("postgresUrl", cluster.url);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    cluster.stop();
  };
  // A run that ends without its teardown (an error, Ctrl-C) still stops the cluster on the way out.
  process.once("exit", stop);
  return stop;
}
