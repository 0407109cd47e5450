// Wall-clock time in IANA time zones, from the runtime's own tz database (Intl), so Baton needs no
// copy of its own. Instants are epoch milliseconds.

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The canonical name of an IANA zone ("europe/berlin" -> "Europe/Berlin"), or null if the runtime does not know it. */
export function canonicalTimeZone(name: string): string | null {
  // Intl also accepts bare offsets ("+01:00") on newer runtimes; a calendar zone must be a name.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** The wall-clock time at an instant in a zone. */
export function wallTimeAt(epochMs: number, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === "BC" || parts.era === "B" ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

function wallTimeAsUtc(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return wallTimeAsUtc(wallTimeAt(whole, timeZone)) - whole;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall-clock time names in a zone. As RFC 5545 (3.3.5) asks: a time that occurs
 * twice (clocks go back) is the first of the two; a time skipped when clocks go forward is read
 * with the offset from before the gap (02:30 on a spring-forward night becomes 03:30).
 */
export function wallTimeToEpoch(wall: WallTime, timeZone: string): number {
  const asUtc = wallTimeAsUtc(wall);
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const candidates = [asUtc - before, asUtc - after].filter(
    (epoch) => epoch + offsetAt(epoch, timeZone) === asUtc,
  );
  return candidates.length > 0 ? Math.min(...candidates) : asUtc - before;
}

function pad(value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, "0");
}

/** ISO 8601 with the zone's offset at that instant: "2026-03-26T09:00:00+01:00". */
export function formatInZone(epochMs: number, timeZone: string): string {
  const wall = wallTimeAt(epochMs, timeZone);
  const offsetMinutes = Math.round(offsetAt(epochMs, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const year = wall.year < 0 ? `-${pad(wall.year, 6)}` : pad(wall.year, 4);
  return (
    `${year}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}` +
    `${sign}${pad(Math.trunc(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`
  );
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** True for "2026-03-01", "2026-03-01T09:00", "2026-03-01T09:00:00Z", "2026-03-01T09:00:00+02:00". */
export function isIsoDateTime(value: string): boolean {
  return parseIsoInZone(value, "UTC") !== null;
}

/**
 * An ISO date or date-time as an instant. A date alone is midnight and a time without an offset is
 * wall-clock time, both in `timeZone`; an explicit offset or Z wins.
 */
export function parseIsoInZone(value: string, timeZone: string): number | null {
  const match = ISO_PATTERN.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour = "0", minute = "0", second = "0", offset] = match;
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second),
  };
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.hour > 23 || wall.minute > 59 || wall.second > 59) {
    return null;
  }
  // Reject 2026-02-30 and the like instead of rolling over into March.
  const daysInMonth = new Date(Date.UTC(wall.year, wall.month, 0)).getUTCDate();
  if (wall.day > daysInMonth) return null;

  if (offset === undefined) return wallTimeToEpoch(wall, timeZone);
  if (offset.toUpperCase() === "Z") return wallTimeAsUtc(wall);
  const digits = offset.replace(":", "");
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return wallTimeAsUtc(wall) - (digits.startsWith("-") ? -minutes : minutes) * 60_000;
}
