import { describeFailure, type FailureSite } from "./explain.js";

/** Why a call failed, in the terms the sync decides on (retry, dead-letter, treat as gone). */
export type ClockifyErrorKind =
  | "not_found"
  | "unauthorized"
  | "forbidden"
  | "rate_limited"
  | "invalid"
  | "server"
  | "network"
  | "bad_response";

/**
 * A failed Clockify call. The message carries method, route template and Clockify's own message, never
 * the API key or a concrete URL with query values, so it is safe to log. A pair's clients locate their
 * errors (see locate): the message then says which pair, side and config field, and what to do.
 */
export class ClockifyError extends Error {
  override readonly name = "ClockifyError";
  /** The ids the call named: its path parameters and the `…Id` fields of its body (no key, no query). */
  readonly ids: Readonly<Record<string, string>>;
  /** Clockify's answer alone, as the message reads before the error is located. */
  readonly answer: string;
  /** Whose call this was; set once by the pair's client. Ids only, never a key. */
  site: FailureSite | undefined;

  constructor(
    readonly kind: ClockifyErrorKind,
    readonly method: string,
    readonly route: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** Clockify's `code` from the error body, when it sent one. */
    readonly code: number | undefined,
    readonly detail: string,
    options?: { cause?: unknown; ids?: Record<string, string> },
  ) {
    const answer =
      `Clockify ${method} ${route} failed: ${status === 0 ? "no response" : `HTTP ${status}`}` +
      `${code === undefined ? "" : ` code ${code}`}: ${detail}`;
    super(answer, options?.cause === undefined ? undefined : { cause: options.cause });
    this.answer = answer;
    this.ids = { ...options?.ids };
    this.mayHaveExecuted = status === 0 || status >= 500;
  }

  /** Names the pair and side the call was made for; from then on the message is the explanation. */
  locate(site: FailureSite): this {
    if (this.site) return this;
    this.site = site;
    this.message = describeFailure(this, site);
    return this;
  }

  /**
   * False only when every attempt was answered with a 4xx (429 included): Clockify did not execute the
   * call. A 5xx or a lost answer on any attempt leaves it unknown whether a write happened.
   */
  mayHaveExecuted: boolean;

  /** 429, 5xx and network failures may succeed on a later attempt; every other 4xx will not. */
  get transient(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "network";
  }
}

export function classifyStatus(status: number): ClockifyErrorKind {
  if (status === 404) return "not_found";
  // Clockify answers a missing or foreign id with 400 + code 501 instead of 404 (API-NOTES §8, §10).
  // Code 501 also covers other business errors, so only getters turn this into "not found" (see time-entries.ts).
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  return "invalid";
}

export function isNotFoundAnswer(error: unknown): boolean {
  return (
    error instanceof ClockifyError &&
    (error.kind === "not_found" || (error.status === 400 && error.code === 501))
  );
}
