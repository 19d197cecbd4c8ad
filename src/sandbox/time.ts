/** Clockify's wire formats: UTC instants at second precision and ISO-8601 durations without days. */

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Milliseconds since the epoch, truncated to whole seconds; undefined when not an ISO instant. */
export function parseInstant(text: string): number | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : truncateToSecond(ms);
}

export function truncateToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `yyyy-MM-ddTHH:mm:ssZ` */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** Like Java's Duration#toString, which Clockify uses: PT0S, PT26S, PT1H30M, PT49H12M45S. */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return "PT0S";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `PT${h ? `${h}H` : ""}${m ? `${m}M` : ""}${s ? `${s}S` : ""}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Webhook bodies carry the user's zone: offset in seconds and the local wall-clock time without zone. */
export function zoned(ms: number, timeZone: string): { offsetSeconds: number; local: string } {
  if (timeZone === "UTC") return { offsetSeconds: 0, local: formatInstant(ms).slice(0, 19) };
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return { offsetSeconds: Math.round((wall - ms) / 1000), local: formatInstant(wall).slice(0, 19) };
}
