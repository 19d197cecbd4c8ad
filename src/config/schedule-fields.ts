import { z } from "zod";

const CRON_FIELD = /^[*,\-/0-9A-Za-z]+$/;

/** A light shape check; the scheduler validates ranges and names when it parses the expression. */
export function isPlausibleCron(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((field) => CRON_FIELD.test(field));
}

export function isIanaTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function cronExpression() {
  const error = "expected a cron expression of 5 or 6 fields (e.g. \"0 3 * * *\")";
  return z
    .string({ error })
    .refine(isPlausibleCron, { error })
    .transform((expression) => expression.trim());
}

export function ianaTimezone() {
  const error = "expected an IANA time zone such as \"UTC\" or \"Europe/Berlin\"";
  return z.string({ error }).refine(isIanaTimezone, { error });
}
