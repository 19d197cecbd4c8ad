/** Human forms of the status report's times, shared by the status page and `npm run status`. */

/** "2026-11-20 09:00:00 UTC" */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

/** "3 h ago", "in 5 min" */
export function formatRelative(ms: number, now: number): string {
  const diff = now - ms;
  const s = Math.abs(diff) / 1000;
  let text: string;
  if (s < 60) text = `${Math.round(s)} s`;
  else if (s < 3600) text = `${Math.floor(s / 60)} min`;
  else if (s < 48 * 3600) text = `${Math.floor(s / 3600)} h`;
  else text = `${Math.floor(s / 86400)} days`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** "120 ms", "3.2 s", "5 min", "1.5 h" */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** "2026-11-20 10:00" in `timeZone` (an IANA name the config has already checked). */
export function formatInZone(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}`;
}

/** A time entry's length as people say it: "1 h 30 min", "45 min", "20 s". */
export function formatEntryDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const totalMinutes = Math.round(totalSeconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}
