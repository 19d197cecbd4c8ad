const MAX_SHOWN_CHARS = 60;

/**
 * How an offending value is shown in an error message. Secrets are described by their shape only,
 * because error messages end up in logs and terminals.
 */
export function describeValue(value: unknown, secret: boolean): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) {
    if (value.length === 0) return "an empty array";
    return `an array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  }
  switch (typeof value) {
    case "string":
      if (value.length === 0) return "an empty string";
      if (secret) return `a string of length ${value.length}`;
      return JSON.stringify(value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value);
    case "number":
    case "boolean":
      return secret ? `a ${typeof value}` : String(value);
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}
