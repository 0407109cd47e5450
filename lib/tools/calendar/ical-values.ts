// iCalendar DATE, DATE-TIME, DURATION and PERIOD values (RFC 5545 3.3). Wall-clock times are kept
// as "wall ms": the milliseconds a UTC clock would show for the same fields, so calendar
// arithmetic is plain arithmetic and the zone is applied once, at the end.

export const DAY_MS = 86_400_000;

export type TimeValue =
  | { kind: "date"; wall: number }
  | { kind: "date-time"; wall: number; utc: boolean; tzid: string | null };

/** A length as RFC 5545 counts it: days (and weeks) on the calendar, then exact hours, minutes, seconds. */
export interface Duration {
  days: number;
  ms: number;
}

export interface Period {
  start: TimeValue;
  end: TimeValue | null;
  duration: Duration | null;
}

/** Wall ms for the fields, or NaN if they do not name a real time (2026-02-30, 25:00). */
export function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return Number.NaN;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return Number.NaN;
  // A leap second (:60) is read as the last second of its minute.
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  return date.getTime();
}

const DATE = /^(\d{4})(\d{2})(\d{2})$/;
// Seconds are required by RFC 5545 but left out by some exporters; nothing else is ambiguous.
const DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z?)$/i;

/**
 * A DATE or DATE-TIME by its shape rather than by VALUE=: exports often write `DTSTART:20190101`
 * without VALUE=DATE, and every calendar app reads that as a date.
 */
export function parseTime(text: string, tzid: string | null): TimeValue | null {
  const value = text.trim();
  const date = DATE.exec(value);
  if (date) {
    const wall = wallMs(Number(date[1]), Number(date[2]), Number(date[3]));
    return Number.isNaN(wall) ? null : { kind: "date", wall };
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) return null;
  const [, year, month, day, hour, minute, second, zulu] = dateTime;
  const wall = wallMs(Number(year), Number(month), Number(day), Number(hour), Number(minute), Number(second ?? 0));
  if (Number.isNaN(wall)) return null;
  const utc = zulu !== "";
  return { kind: "date-time", wall, utc, tzid: utc ? null : tzid };
}

const DURATION = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

export function parseDuration(text: string): Duration | null {
  const value = text.trim();
  const match = DURATION.exec(value);
  if (!match || /^[+-]?PT?$/i.test(value)) return null;
  const [, sign, weeks = "0", days = "0", hours = "0", minutes = "0", seconds = "0"] = match;
  const factor = sign === "-" ? -1 : 1;
  return {
    days: factor * (Number(weeks) * 7 + Number(days)),
    ms: factor * ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000,
  };
}

export function parsePeriod(text: string, tzid: string | null): Period | null {
  const [startText, endText, extra] = text.split("/");
  if (startText === undefined || endText === undefined || extra !== undefined) return null;
  const start = parseTime(startText, tzid);
  if (!start) return null;
  if (/^[+-]?P/i.test(endText.trim())) {
    const duration = parseDuration(endText);
    return duration ? { start, end: null, duration } : null;
  }
  const end = parseTime(endText, tzid);
  return end ? { start, end, duration: null } : null;
}
