import { pino, type Logger, type LoggerOptions } from "pino";
import { prettyFactory } from "pino-pretty";
import { stdoutLines } from "../process/stdio.js";

export type { Logger };

/**
 * Paths whose values are secrets wherever they turn up in a log object. Logging code should not pass
 * secrets at all; this is the net under that rule.
 */
export const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "*.*.apiKey",
  "token",
  "*.token",
  "authToken",
  "*.authToken",
  "webhookSecrets",
  "*.webhookSecrets",
  "*.*.webhookSecrets",
  "adminToken",
  "statusViewToken",
  'headers["x-api-key"]',
  'headers["clockify-signature"]',
  'headers["authorization"]',
  '*.headers["x-api-key"]',
  '*.headers["clockify-signature"]',
  '*.headers["authorization"]',
];

export interface LoggerSettings {
  level?: string;
  /** Pretty, human output; defaults to "stdout is a terminal". JSON otherwise, for machines. */
  pretty?: boolean;
  name?: string;
}

export function createLogger(settings: LoggerSettings = {}, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? "info",
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    ...(settings.name ? { name: settings.name } : {}),
  };
  if (destination) return pino(options, destination);
  const pretty = settings.pretty ?? process.stdout.isTTY === true;
  // Pretty lines are made in this thread, not by a transport's worker: one writer for stdout, whose
  // death (see stdoutLines) cannot leave a thread behind that the exit waits for.
  return pino(options, stdoutLines(pretty ? prettyFactory({ colorize: true }) : undefined));
}
