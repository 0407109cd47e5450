// iCalendar text -> the event occurrences that overlap a window, recurrences expanded (RRULE,
// RDATE, EXDATE, RECURRENCE-ID overrides) by ical.js, times resolved by ./ical-zones.
import ICAL from "ical.js";
import { ToolError } from "../types";
import { prepareTimeZones } from "./ical-zones";
import { formatInZone, wallTimeToEpoch } from "./zoned-time";

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;
type CalendarEvent = InstanceType<typeof ICAL.Event>;

export interface Occurrence {
  summary: string;
  start: string;
  end: string;
  allDay: boolean;
  location: string | null;
  description: string | null;
}

export interface ExpandOptions {
  /** Window start and end, epoch ms; an occurrence is in it if it overlaps [from, to). */
  from: number;
  to: number;
  /** IANA zone for the output, for all-day events and for floating times. */
  timeZone: string;
  maxEvents?: number;
}

export interface ExpandResult {
  calendarName: string | null;
  events: Occurrence[];
  /** More occurrences matched than maxEvents, or a rule had too many occurrences to walk. */
  truncated: boolean;
  /** Events left out because they could not be read (malformed dates, impossible rules). */
  unreadable: number;
}

// Walking a rule costs ~20 µs a step; these bound a hostile or very old calendar to a few seconds.
const MAX_STEPS_PER_SERIES = 50_000;
const MAX_STEPS_TOTAL = 200_000;
const MAX_SUMMARY = 300;
const MAX_LOCATION = 300;
const MAX_DESCRIPTION = 1_000;

function cap(text: string, max: number): string {
  const clean = text.replace(/\r\n?/g, "\n").trim();
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

function optionalText(value: unknown, max: number): string | null {
  return typeof value === "string" && value.trim() !== "" ? cap(value, max) : null;
}

function parseCalendars(text: string): Component[] {
  if (!/BEGIN:VCALENDAR/i.test(text)) {
    throw new ToolError("This is not an iCalendar file (no BEGIN:VCALENDAR).");
  }
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    throw new ToolError(`The calendar could not be parsed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  // One top-level component parses to a jCal array; several, to an array of them.
  const roots = Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed];
  return roots.map((jcal) => new ICAL.Component(jcal)).filter((root) => root.name === "vcalendar");
}

/** The instant of an ical.js time; a date (all-day) is midnight in `timeZone`. */
function toEpoch(time: Time, timeZone: string): number {
  if (time.isDate) {
    return wallTimeToEpoch({ year: time.year, month: time.month, day: time.day, hour: 0, minute: 0, second: 0 }, timeZone);
  }
  return time.toUnixTime() * 1000;
}

function isCancelled(event: CalendarEvent): boolean {
  const status = event.component.getFirstPropertyValue("status");
  return typeof status === "string" && status.toUpperCase() === "CANCELLED";
}

function toOccurrence(item: CalendarEvent, start: number, end: number, allDay: boolean, timeZone: string): Occurrence {
  return {
    summary: optionalText(item.summary, MAX_SUMMARY) ?? "(no title)",
    start: formatInZone(start, timeZone),
    end: formatInZone(end, timeZone),
    allDay,
    location: optionalText(item.location, MAX_LOCATION),
    description: optionalText(item.description, MAX_DESCRIPTION),
  };
}

interface Series {
  master: Component | null;
  exceptions: Component[];
}

function groupByUid(calendar: Component): Series[] {
  const byUid = new Map<string, Series>();
  const series: Series[] = [];
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const uidValue = vevent.getFirstPropertyValue("uid");
    // Without a UID nothing can refer to the event: it stands alone.
    const uid = typeof uidValue === "string" ? uidValue : null;
    let entry = uid ? byUid.get(uid) : undefined;
    if (!entry || (entry.master && !vevent.hasProperty("recurrence-id"))) {
      entry = { master: null, exceptions: [] };
      series.push(entry);
      if (uid) byUid.set(uid, entry);
    }
    if (vevent.hasProperty("recurrence-id")) entry.exceptions.push(vevent);
    else entry.master = vevent;
  }
  return series;
}

// ical.js leaves DTSTART out of a set made only of RDATEs, though RFC 5545 (3.8.5.2) counts it.
function includeStartInRdateSet(master: Component): void {
  if (!master.hasProperty("rdate") || master.hasProperty("rrule")) return;
  const start = master.getFirstPropertyValue("dtstart");
  if (!(start instanceof ICAL.Time)) return;
  const listed = master
    .getAllProperties("rdate")
    .flatMap((property) => property.getValues())
    .some((value) => value instanceof ICAL.Time && value.compare(start) === 0);
  if (!listed) master.addPropertyWithValue("rdate", start.clone());
}

type Add = (item: CalendarEvent, start: Time, end: Time) => void;

/** Adds the occurrences of one series; returns how many rule steps it took, or null if it hit a limit. */
function expandSeries({ master, exceptions }: Series, add: Add, to: number, timeZone: string, maxSteps: number): number | null {
  if (!master) {
    // Overrides whose series is not in this file (an invitation to one instance): show them as they are.
    for (const exception of exceptions) {
      const event = new ICAL.Event(exception);
      if (event.startDate) add(event, event.startDate, event.endDate);
    }
    return 0;
  }
  includeStartInRdateSet(master);
  const event = new ICAL.Event(master, { strictExceptions: true, exceptions });
  if (!event.startDate) return 0;
  if (!event.isRecurring()) {
    add(event, event.startDate, event.endDate);
    return 0;
  }
  // An override can move an occurrence from beyond the window into it, so walk past the window
  // until the latest overridden occurrence too.
  const overridden = exceptions.map((exception) => new ICAL.Event(exception).recurrenceId).filter(Boolean);
  const horizon = Math.max(to, ...overridden.map((recurrenceId) => toEpoch(recurrenceId, timeZone)));
  const iterator = event.iterator();
  const applied = new Set<CalendarEvent>();
  for (let step = 0; ; step++) {
    const next = iterator.next();
    if (!next || toEpoch(next, timeZone) > horizon) {
      // An override of an instance the rule no longer makes (the series was edited after it) is
      // still an event in its own right, as calendar apps show it.
      for (const exception of Object.values(event.exceptions)) {
        if (!applied.has(exception)) add(exception, exception.startDate, exception.endDate);
      }
      return step;
    }
    if (step >= maxSteps) return null;
    const details = event.getOccurrenceDetails(next);
    if (details.item !== event) applied.add(details.item);
    add(details.item, details.startDate, details.endDate);
  }
}

export function expandCalendar(text: string, options: ExpandOptions): ExpandResult {
  const { from, to, timeZone } = options;
  const maxEvents = options.maxEvents ?? 500;
  const found: { start: number; occurrence: Occurrence }[] = [];
  let truncated = false;
  let unreadable = 0;
  let stepsLeft = MAX_STEPS_TOTAL;
  let calendarName: string | null = null;

  const add: Add = (item, start, end) => {
    if (isCancelled(item)) return;
    const startMs = toEpoch(start, timeZone);
    const endMs = Math.max(startMs, toEpoch(end, timeZone));
    const overlaps = endMs > startMs ? endMs > from && startMs < to : startMs >= from && startMs < to;
    if (overlaps) found.push({ start: startMs, occurrence: toOccurrence(item, startMs, endMs, start.isDate, timeZone) });
  };

  for (const calendar of parseCalendars(text)) {
    prepareTimeZones(calendar, timeZone);
    calendarName ??= optionalText(calendar.getFirstPropertyValue("x-wr-calname"), MAX_SUMMARY);
    for (const series of groupByUid(calendar)) {
      try {
        const budget = Math.max(0, Math.min(MAX_STEPS_PER_SERIES, stepsLeft));
        const steps = expandSeries(series, add, to, timeZone, budget);
        if (steps === null) truncated = true;
        stepsLeft -= steps ?? budget;
      } catch {
        // A malformed value (ical.js decodes lazily, so errors surface here) or an impossible rule:
        // skip that event and say how many were skipped, rather than failing the whole calendar.
        unreadable++;
      }
    }
  }

  found.sort((a, b) => a.start - b.start);
  if (found.length > maxEvents) truncated = true;
  return { calendarName, events: found.slice(0, maxEvents).map((entry) => entry.occurrence), truncated, unreadable };
}
