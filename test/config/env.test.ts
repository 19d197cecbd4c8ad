import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError, readRuntimeEnv, type RuntimeEnv } from "../../src/config/index.js";

function errorFrom(env: NodeJS.ProcessEnv): ConfigError {
  try {
    readRuntimeEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const ADMIN = "a".repeat(31) + "Z";
const VIEW = "v".repeat(40);

describe("readRuntimeEnv", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("has a default for everything", () => {
    expect(readRuntimeEnv({})).toEqual<RuntimeEnv>({
      configPath: "./clockify-sync.config.json",
      databasePath: "./data/clockify-sync.db",
      apiUrl: "https://api.clockify.me/api/v1",
      port: 8080,
      host: "0.0.0.0",
      logLevel: "info",
      adminToken: undefined,
      statusViewToken: undefined,
      statusPublic: false,
    });
  });

  it("reads every variable", () => {
    expect(
      readRuntimeEnv({
        CLOCKIFY_SYNC_CONFIG: "/etc/clockify-sync/config.json",
        DATABASE_PATH: "/var/lib/clockify-sync/db.sqlite",
        CLOCKIFY_API_URL: "http://localhost:4010/api/v1",
        PORT: "3000",
        HOST: "127.0.0.1",
        LOG_LEVEL: "debug",
        ADMIN_TOKEN: ADMIN,
        STATUS_VIEW_TOKEN: VIEW,
        STATUS_PUBLIC: "true",
      }),
    ).toEqual<RuntimeEnv>({
      configPath: "/etc/clockify-sync/config.json",
      databasePath: "/var/lib/clockify-sync/db.sqlite",
      apiUrl: "http://localhost:4010/api/v1",
      port: 3000,
      host: "127.0.0.1",
      logLevel: "debug",
      adminToken: ADMIN,
      statusViewToken: VIEW,
      statusPublic: true,
    });
  });

  it.each([
    ["https://euc1.clockify.me/api/v1", "https://euc1.clockify.me/api/v1"],
    ["https://euc1.clockify.me/api/v1/", "https://euc1.clockify.me/api/v1"],
    ["https://use2.clockify.me/api/v1//", "https://use2.clockify.me/api/v1"],
    ["https://api.clockify.me/api/v1/", "https://api.clockify.me/api/v1"],
  ])("takes CLOCKIFY_API_URL %s as %s", (url, expected) => {
    expect(readRuntimeEnv({ CLOCKIFY_API_URL: url }).apiUrl).toBe(expected);
  });

  it.each(["1", "65535", "443"])("takes PORT %s", (port) => {
    expect(readRuntimeEnv({ PORT: port }).port).toBe(Number(port));
  });

  it.each(["trace", "silent", "WARN", "Fatal"])("takes LOG_LEVEL %s, in any case", (level) => {
    expect(readRuntimeEnv({ LOG_LEVEL: level }).logLevel).toBe(level.toLowerCase());
  });

  it("treats an empty variable as not set", () => {
    expect(readRuntimeEnv({ PORT: "", LOG_LEVEL: "", CLOCKIFY_API_URL: "", ADMIN_TOKEN: "" })).toMatchObject({
      port: 8080,
      logLevel: "info",
      apiUrl: "https://api.clockify.me/api/v1",
      adminToken: undefined,
    });
  });

  it.each([
    [{ PORT: "abc" }, 'PORT: expected an integer between 1 and 65535, got "abc"'],
    [{ PORT: "0" }, 'PORT: expected an integer between 1 and 65535, got "0"'],
    [{ PORT: "65536" }, 'PORT: expected an integer between 1 and 65535, got "65536"'],
    [{ PORT: "80.5" }, 'PORT: expected an integer between 1 and 65535, got "80.5"'],
    [{ PORT: "0x50" }, 'PORT: expected an integer between 1 and 65535, got "0x50"'],
    [{ PORT: " 80" }, 'PORT: expected an integer between 1 and 65535, got " 80"'],
    [{ CLOCKIFY_API_URL: "euc1.clockify.me/api/v1" }, 'CLOCKIFY_API_URL: expected an http(s) URL, got "euc1.clockify.me/api/v1"'],
    [{ CLOCKIFY_API_URL: "ftp://api.clockify.me/api/v1" }, 'CLOCKIFY_API_URL: expected an http(s) URL, got "ftp://api.clockify.me/api/v1"'],
    [
      { LOG_LEVEL: "verbose" },
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ],
  ])("rejects %j", (env, message) => {
    expect(errorFrom(env).message).toBe(message);
  });

  it.each(["ADMIN_TOKEN", "STATUS_VIEW_TOKEN"])("refuses a %s shorter than 32 characters, naming the fix, not the value", (name) => {
    const short = "correct-horse-battery-staple-42";
    expect(short).toHaveLength(31);
    const error = errorFrom({ [name]: short });
    expect(error.message).toBe(
      `${name}: expected at least 32 characters (make one with: openssl rand -hex 32), got a string of length 31`,
    );
    expect(error.message).not.toContain(short);
    expect(readRuntimeEnv({ [name]: `${short}!` })).toMatchObject({ [name === "ADMIN_TOKEN" ? "adminToken" : "statusViewToken"]: `${short}!` });
  });

  it.each([
    ["TRUE", true],
    ["false", false],
    ["", false],
  ])("takes STATUS_PUBLIC %j as %s", (value, expected) => {
    expect(readRuntimeEnv({ STATUS_PUBLIC: value }).statusPublic).toBe(expected);
  });

  it("refuses a STATUS_PUBLIC that is not true or false", () => {
    expect(errorFrom({ STATUS_PUBLIC: "yes" }).message).toBe('STATUS_PUBLIC: expected true or false, got "yes"');
  });

  it("names every bad variable, one per line", () => {
    expect(errorFrom({ PORT: "http", LOG_LEVEL: "loud" }).problems).toEqual([
      'PORT: expected an integer between 1 and 65535, got "http"',
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });

  it("reads process.env by default", () => {
    vi.stubEnv("PORT", "9191");
    expect(readRuntimeEnv().port).toBe(9191);
  });
});
