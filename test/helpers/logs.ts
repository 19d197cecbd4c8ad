import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/observability/logger.js";

/** A real pino logger (debug level, JSON lines) writing into an array a test can read. */
export function memoryLogger(): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  const logger = createLogger(
    { level: "debug" },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  return { logger, logs };
}
