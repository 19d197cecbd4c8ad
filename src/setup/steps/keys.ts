import { ClockifyError } from "../../clockify/errors.js";
import type { User } from "../../clockify/schemas.js";
import { UsageError } from "../../config/errors.js";
import { SetupError, type SetupClient, type SetupRun } from "../contract.js";

export const SOURCE_KEY_VAR = "SRC_CLOCKIFY_API_KEY";
export const DESTINATION_KEY_VAR = "DEST_CLOCKIFY_API_KEY";

export type Side = "source" | "destination";

export interface Key {
  value: string;
  /** The environment variable it came from; undefined when typed. */
  envName: string | undefined;
  owner: User;
  client: SetupClient;
}

export interface Keys {
  source: Key;
  /** The source key itself unless DEST_CLOCKIFY_API_KEY is set (or another account is picked later). */
  destination: Key;
  /** DEST_CLOCKIFY_API_KEY is set: the destination account is settled, no other is offered. */
  destinationFromEnv: boolean;
  reader: KeyReader;
}

const KEY_ATTEMPTS = 3;

/** The source key, and the destination key when the environment has one of its own. */
export async function readKeys(run: SetupRun): Promise<Keys> {
  const reader = new KeyReader(run);
  const source = await reader.read("source", SOURCE_KEY_VAR);
  const destinationFromEnv = nonEmpty(run.deps.env[DESTINATION_KEY_VAR]) !== undefined;
  const destination = destinationFromEnv ? await reader.read("destination", DESTINATION_KEY_VAR) : source;
  return { source, destination, destinationFromEnv, reader };
}

/** Reads an API key from the environment or a masked prompt, checks it with Clockify and says whose it is. */
export class KeyReader {
  constructor(private readonly run: SetupRun) {}

  async read(side: Side, envName: string, options: { prompt?: boolean } = {}): Promise<Key> {
    const key = await this.readChecked(side, envName, options);
    this.run.out.line(`✔ ${side} key belongs to ${describeUser(key.owner)}`);
    return key;
  }

  private async readChecked(side: Side, envName: string, options: { prompt?: boolean }): Promise<Key> {
    const fromEnv = options.prompt ? undefined : nonEmpty(this.run.deps.env[envName]);
    if (fromEnv !== undefined) {
      if (fromEnv.trim() !== fromEnv) throw new UsageError(`${envName} has leading or trailing whitespace; remove it`);
      return this.verify(side, fromEnv, envName, `${envName} (from the environment)`);
    }
    for (let attempt = 1; ; attempt++) {
      const value = await this.run.ask.password(envName, {
        message: `API key of the ${side} account (Clockify → Profile settings → API; or set ${envName})`,
        validate: (v) => (v.trim() === "" ? "the key is required" : true),
      });
      try {
        return await this.verify(side, value, undefined, `${side} API key`);
      } catch (error) {
        if (!(error instanceof SetupError) || attempt >= KEY_ATTEMPTS) throw error;
        this.run.out.warn(`${error.message}; try again`);
      }
    }
  }

  private async verify(side: Side, value: string, envName: string | undefined, label: string): Promise<Key> {
    const client = this.run.deps.clientFactory(value);
    try {
      const owner = await client.getCurrentUser();
      return { value, envName, owner, client };
    } catch (error) {
      if (error instanceof ClockifyError) {
        if (error.kind === "unauthorized" || error.kind === "forbidden") {
          throw new SetupError(
            `Clockify rejected the ${label}: HTTP ${error.status}` +
              `${error.detail ? ` (${error.detail})` : ""}; check the ${side} key (Clockify → Profile settings → API). Nothing was written`,
          );
        }
        if (error.kind === "network" || error.kind === "server") {
          throw new SetupError(`could not check the ${label} at ${this.run.runtime.apiUrl}: ${error.message}. Nothing was written`);
        }
      }
      throw error;
    }
  }
}

/** What the config file gets: a "${NAME}" reference for a key from the environment, else the key itself. */
export function keyReference(key: Key): string {
  return key.envName === undefined ? key.value : `\${${key.envName}}`;
}

export function describeKey(key: Key): string {
  return key.envName === undefined
    ? `${maskSecret(key.value)}, typed: stored in the file as it is`
    : `\${${key.envName}} (from the environment; the file keeps the reference)`;
}

/** An API key as it may be shown: its length and last four characters. */
export function maskSecret(secret: string): string {
  if (secret.length <= 8) return "*".repeat(secret.length);
  return `${"*".repeat(8)}${secret.slice(-4)} (${secret.length} characters)`;
}

export function describeUser(user: User): string {
  const name = user.name ?? user.id;
  return user.email ? `${name} <${user.email}>` : name;
}

/** An environment variable's value; `NAME=` counts as unset. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
