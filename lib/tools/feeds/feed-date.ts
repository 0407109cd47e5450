// Feed dates: RFC 822/2822 (RSS) and ISO 8601 as RFC 3339 and W3CDTF profile it (Atom, Dublin
// Core). Strict on purpose: a string either reads as one of these or is no date at all, so a
// garbled date never turns into a plausible wrong one (Date.parse guesses, and uses the server's
// zone). A date or time without a zone is read as UTC.
import { wallTimeToEpoch, type WallTime } from "../calendar/zoned-time";

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const FULL_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAY = /^(mon|tue|wed|thu|fri|sat|sun)(day|sday|nesday|rsday|urday)?$/i;

// Minutes east of UTC. RFC 822's zone names, plus UTC and the US generic names below.
const NAMED_OFFSETS: Record<string, number> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
};

// "ET", "PT" and the like name a zone, not an offset: standard or daylight time depends on the date.
const GENERIC_ZONES: Record<string, string> = {
  ET: "America/New_York", CT: "America/Chicago", MT: "America/Denver", PT: "America/Los_Angeles",
};

type Zone = { offsetMinutes: number } | { timeZone: string };

function zoneOf(text: string | undefined): Zone | null {
  if (text === undefined) return { offsetMinutes: 0 };
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (numeric) {
    const [, sign, hours, minutes] = numeric;
    if (Number(hours) > 23 || Number(minutes) > 59) return null;
    return { offsetMinutes: (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) };
  }
  const name = text.toUpperCase();
  const named = NAMED_OFFSETS[name];
  if (named !== undefined) return { offsetMinutes: named };
  const generic = GENERIC_ZONES[name];
  if (generic) return { timeZone: generic };
  // RFC 822's military letters got their signs backwards (RFC 1123 §5.2.14), so RFC 2822 §4.3 says
  // to read them as -0000: the time is in UTC and the local zone is unknown.
  if (/^[A-IK-Y]$/.test(name)) return { offsetMinutes: 0 };
  return null;
}

function toIso(wall: WallTime, milliseconds: number, zone: Zone): string | null {
  const { year, month, day, hour, minute, second } = wall;
  // Date.UTC reads years 0-99 as 1900-1999, and no feed is that old.
  if (year < 100) return null;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return null;
  // 2026-02-30 is no date, not a day in March.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const epoch =
    "timeZone" in zone
      ? wallTimeToEpoch(wall, zone.timeZone)
      : Date.UTC(year, month - 1, day, hour, minute, second) - zone.offsetMinutes * 60_000;
  // A leap second (:60) rolls over into the next minute.
  return new Date(epoch + milliseconds).toISOString();
}

function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  const index = lower === "sept" ? 8 : lower.length === 3 ? MONTHS.indexOf(lower) : FULL_MONTHS.indexOf(lower);
  return index + 1;
}

/** RFC 2822 §4.3: a two-digit year is 2000-2049 or 1950-1999; a three-digit year is counted from 1900. */
function fullYear(digits: string): number {
  const year = Number(digits);
  if (digits.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  return digits.length === 3 ? 1900 + year : year;
}

// [weekday[,]] day month year [hh:mm[:ss] [zone]] [(comment)]. Weekday and month names may be
// written out in full, and the zone may carry a colon; the rest is RFC 2822.
const RFC_2822 =
  /^(?:([a-z]+),?\s+)?(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{2}:?\d{2}|[a-z]{1,3}))?)?(?:\s*\([^()]*\))?$/i;

function parseRfc2822(text: string): string | null {
  const match = RFC_2822.exec(text);
  if (!match) return null;
  const [, weekday, day, monthName = "", year = "", hour = "0", minute = "0", second = "0", zoneText] = match;
  if (weekday !== undefined && !WEEKDAY.test(weekday)) return null;
  const month = monthNumber(monthName);
  const zone = zoneOf(zoneText);
  if (month === 0 || !zone) return null;
  const wall = { year: fullYear(year), month, day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) };
  return toIso(wall, 0, zone);
}

// YYYY, YYYY-MM, YYYY-MM-DD, then optionally Thh:mm[:ss[.fraction]] and Z or ±hh:mm (W3CDTF, RFC 3339).
const ISO_8601 = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

function parseIso8601(text: string): string | null {
  const match = ISO_8601.exec(text);
  if (!match) return null;
  const [, year = "", month = "1", day = "1", hour = "0", minute = "0", second = "0", fraction = "", zoneText] = match;
  const zone = zoneOf(zoneText?.length === 3 ? `${zoneText}00` : zoneText);
  if (!zone) return null;
  const wall = { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) };
  return toIso(wall, Number(fraction.padEnd(3, "0").slice(0, 3)), zone);
}

/** The instant a feed date names, as ISO 8601 in UTC, or null when the text is not a date. */
export function parseFeedDate(value: string): string | null {
  const text = value.trim().replace(/\s+/g, " ");
  if (!text) return null;
  return /^\d{4}/.test(text) ? parseIso8601(text) : parseRfc2822(text);
}
