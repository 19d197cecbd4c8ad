import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/observability/logger.js";

/** One JSON log line as pino writes it: level number, message, and whatever fields the call logged. */
export interface LogRecord {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface MemoryLogger {
  logger: Logger;
  /** The raw lines, one a log call, as the production logger would write them. */
  logs: string[];
  /** The lines so far, parsed. */
  records(): LogRecord[];
}

/**
 * A real logger (the project's createLogger: redaction included) writing JSON lines into an array a test
 * can read; debug level unless told otherwise.
 */
export function memoryLogger(level = "debug"): MemoryLogger {
  const logs: string[] = [];
  const logger = createLogger(
    { level },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  return { logger, logs, records: () => logs.map((line) => JSON.parse(line) as LogRecord) };
}

/**
 * A real logger whose lines go nowhere: silent by default; at a real level, what a benchmark wants
 * (production's cost of making each line, without keeping any in memory).
 */
export function discardingLogger(level = "silent"): Logger {
  return createLogger({ level }, new Writable({ write: (_chunk: Buffer, _enc, done) => done() }));
}
