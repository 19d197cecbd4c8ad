export { readRuntimeEnv, LOG_LEVELS, type LogLevel, type RuntimeEnv } from "./env.js";
export { ConfigError } from "./errors.js";
export { configFileWarnings } from "./file-warnings.js";
export { loadConfig } from "./load.js";
export { parseConfig } from "./parse.js";
export { redactConfig, REDACTED } from "./redact.js";
export { PAIR_ID_PATTERN, type Config, type PairConfig, type ProjectOptions } from "./schema.js";
