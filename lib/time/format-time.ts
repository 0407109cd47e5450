// How Baton writes a moment for a reader: relative while recent or near ("3 minutes ago",
// "yesterday at 17:05", "tomorrow at 07:00"), exact otherwise, always on the reader's clock; and,
// for times that belong to another zone (a schedule's), in that zone with the zone named.
// Numbers, dates and month names follow the reader's locale; the words are the app's English.
import type { ReaderClock } from "./reader-clock";

const MINUTE = 60_000;
const words = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) formatters.set(key, (format = new Intl.DateTimeFormat(locale, { ...options, timeZone })));
  return format;
}

const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit" };

/** "14:05" (or "02:05 PM"): the time of day on a clock. */
export function formatTimeOfDay(date: Date, clock: ReaderClock, options: { seconds?: boolean } = {}): string {
  return formatter(clock.locale, clock.timeZone, options.seconds ? { ...TIME, second: "2-digit" } : TIME).format(date);
}

/** "Wed, 2 Dec 2026, 07:00": unambiguous, for titles and old times. */
export function formatExact(date: Date, clock: ReaderClock): string {
  return formatter(clock.locale, clock.timeZone, { weekday: "short", day: "numeric", month: "short", year: "numeric", ...TIME }).format(date);
}

/** Days since the epoch of the calendar day `date` falls on in the zone. */
function dayNumber(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter("en-US", timeZone, { year: "numeric", month: "numeric", day: "numeric" })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / (24 * 60 * MINUTE);
}

/** A day and time without the year when it is this year's: "Mon, 7 Dec, 07:00". */
function formatDayAndTime(date: Date, now: Date, clock: ReaderClock): string {
  const sameYear = formatter("en-US", clock.timeZone, { year: "numeric" }).format(date) === formatter("en-US", clock.timeZone, { year: "numeric" }).format(now);
  return formatter(clock.locale, clock.timeZone, { weekday: "short", day: "numeric", month: "short", ...(sameYear ? {} : { year: "numeric" }), ...TIME }).format(date);
}

export function formatRelative(date: Date, now: Date, clock: ReaderClock): string {
  const diff = date.getTime() - now.getTime();
  if (Math.abs(diff) < 45_000) return diff <= 0 ? "just now" : "in a moment";
  if (Math.abs(diff) < 59.5 * MINUTE) return words.format(Math.round(diff / MINUTE), "minute");
  const days = dayNumber(date, clock.timeZone) - dayNumber(now, clock.timeZone);
  const time = formatTimeOfDay(date, clock);
  if (Math.abs(days) <= 1) return `${words.format(days, "day")} at ${time}`;
  if (Math.abs(days) < 7) return `${formatter(clock.locale, clock.timeZone, { weekday: "long" }).format(date)} at ${time}`;
  return formatDayAndTime(date, now, clock);
}

/** "Berlin time" for Europe/Berlin, "Los Angeles time"; the short name ("UTC") for others. */
export function zoneLabel(timeZone: string, date: Date): string {
  const city = /^[A-Za-z]+\/(?:[A-Za-z_]+\/)?([A-Za-z_]+)$/.exec(timeZone)?.[1];
  if (city && !timeZone.startsWith("Etc/")) return `${city.replaceAll("_", " ")} time`;
  return formatter("en-US", timeZone, { timeZoneName: "short" }).formatToParts(date).find((part) => part.type === "timeZoneName")?.value ?? timeZone;
}

/** A time that belongs to a zone, in that zone and naming it: "Mon, 7 Dec, 07:00 Berlin time". */
export function formatInZone(date: Date, now: Date, clock: ReaderClock, timeZone: string): string {
  return `${formatDayAndTime(date, now, { ...clock, timeZone })} ${zoneLabel(timeZone, date)}`;
}
