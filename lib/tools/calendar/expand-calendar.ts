// iCalendar text -> the event occurrences that overlap a window: recurrences expanded (RRULE,
// RDATE, EXDATE, RECURRENCE-ID overrides), times resolved by ./calendar-zones. All of it bounded
// (by the window, by occurrences, by steps and by time) and yielding to the event loop as it goes,
// since the text is untrusted.
import { ToolError } from "../types";
import { CalendarZones } from "./calendar-zones";
import { firstProperty, parseComponents, textValue, type Component } from "./content-lines";
import { DAY_MS, type Duration, type TimeValue } from "./ical-values";
import { expandSeries, type Found } from "./expand-series";
import { readEvent, type CalendarEntry } from "./read-event";
import { formatInZone } from "./zoned-time";
import { WorkBudget } from "./work-budget";

export interface Occurrence {
  summary: string;
  start: string;
  end: string;
  allDay: boolean;
  location: string | null;
  description: string | null;
}

export interface CalendarProblem {
  /** The event's title (or UID) when the problem is in one. */
  event: string | null;
  line: number | null;
  problem: string;
}

export interface ExpandOptions {
  /** Window start and end, epoch ms; an occurrence is in it if it overlaps [from, to). */
  from: number;
  to: number;
  /** IANA zone for the output, for all-day events and for floating times. */
  timeZone: string;
  maxEvents?: number;
  /** Work time (not counting time yielded to other tasks) after which reading stops. */
  timeLimitMs?: number;
}

export interface ExpandResult {
  calendarName: string | null;
  events: Occurrence[];
  /** More occurrences matched than maxEvents, or a bound stopped the reading early. */
  truncated: boolean;
  /** Events left out because they could not be read. */
  unreadable: number;
  /** What could not be read, and why. */
  problems: CalendarProblem[];
  /** How the calendar was read where that was a choice (a Windows zone name mapped to IANA). */
  notes: string[];
}

export const DEFAULT_TIME_LIMIT_MS = 5_000;
const MAX_PROBLEMS = 50;
const MAX_SUMMARY = 300;
const MAX_LOCATION = 300;
const MAX_DESCRIPTION = 1_000;

function cap(text: string | null, max: number): string | null {
  if (text === null) return null;
  const clean = text.replace(/\r\n?/g, "\n").trim();
  if (clean === "") return null;
  return clean.length > max ? `${clean.slice(0, max - 1).trimEnd()}…` : clean;
}

function label(component: Component): string {
  const summary = firstProperty(component, "SUMMARY")?.value.trim();
  if (summary) return cap(textValue(summary), 80)!;
  const uid = firstProperty(component, "UID")?.value.trim();
  return uid ? `UID ${cap(uid, 80)}` : `the ${component.name} at line ${component.line}`;
}

/** Which version of each event counts: per UID the highest SEQUENCE, per overridden instance too. */
function latestVersions(entries: CalendarEntry[]): { masters: CalendarEntry[]; overrides: Map<string, CalendarEntry[]> } {
  const mastersByUid = new Map<string, CalendarEntry[]>();
  const overridesByKey = new Map<string, CalendarEntry>();
  const masters: CalendarEntry[] = [];
  for (const entry of entries) {
    if (entry.recurrenceId) {
      const key = `${entry.uid}\u0000${entry.recurrenceId.wall}`;
      const seen = overridesByKey.get(key);
      if (!seen || entry.sequence >= seen.sequence) overridesByKey.set(key, entry);
    } else if (entry.uid === null) {
      masters.push(entry); // nothing can refer to it: it stands alone
    } else {
      const versions = mastersByUid.get(entry.uid) ?? [];
      versions.push(entry);
      mastersByUid.set(entry.uid, versions);
    }
  }
  for (const versions of mastersByUid.values()) {
    const highest = versions.reduce((max, version) => Math.max(max, version.sequence), -Infinity);
    // Equal SEQUENCEs with different starts are a sloppy exporter reusing a UID: keep each; the
    // same start again is the same event repeated: keep the last.
    const byStart = new Map<number, CalendarEntry>();
    for (const version of versions) if (version.sequence === highest) byStart.set(version.start.wall, version);
    masters.push(...byStart.values());
  }
  const overrides = new Map<string, CalendarEntry[]>();
  for (const entry of overridesByKey.values()) {
    const uid = entry.uid ?? ""; // an override without a UID replaces nothing; it is still shown
    const list = overrides.get(uid);
    if (list) list.push(entry);
    else overrides.set(uid, [entry]);
  }
  return { masters, overrides };
}

function endOf(entry: CalendarEntry, start: TimeValue, duration: Duration | null): number {
  const length = duration ?? (entry.allDay ? { days: 1, ms: 0 } : { days: 0, ms: 0 });
  return entry.zone.toEpoch(start.wall + length.days * DAY_MS) + length.ms;
}

export async function expandCalendar(text: string, options: ExpandOptions): Promise<ExpandResult> {
  const { from, to, timeZone } = options;
  const maxEvents = options.maxEvents ?? 500;
  if (!/BEGIN:VCALENDAR/i.test(text)) throw new ToolError("This is not an iCalendar file (no BEGIN:VCALENDAR).");
  const budget = new WorkBudget(options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
  const problems: CalendarProblem[] = [];
  const notes: string[] = [];
  const found: Found[] = [];
  let unreadable = 0;
  let truncated = false;
  let calendarName: string | null = null;

  const { roots, problems: lineProblems } = await parseComponents(text, budget);
  for (const { line, component, problem } of lineProblems) {
    problems.push({ event: component ? label(component) : null, line, problem });
  }
  const report = (component: Component, problem: string, line?: number) =>
    problems.push({ event: label(component), line: line ?? component.line, problem });

  for (const calendar of roots.filter((root) => root.name === "VCALENDAR")) {
    calendarName ??= cap(textValue(firstProperty(calendar, "X-WR-CALNAME")?.value ?? ""), MAX_SUMMARY);
    const zones = new CalendarZones(calendar, timeZone, (note) => {
      if (!notes.includes(note)) notes.push(note);
    });
    const entries: CalendarEntry[] = [];
    for (const component of calendar.components.filter((child) => child.name === "VEVENT")) {
      await budget.step();
      const entry = readEvent(component, zones, report);
      if (entry) entries.push(entry);
      else unreadable++;
    }
    const { masters, overrides } = latestVersions(entries);

    for (const master of masters) {
      if (budget.exhausted) break;
      if (master.cancelled) continue;
      const outcome = await expandSeries(master, (master.uid !== null && overrides.get(master.uid)) || [], { from, to, maxEvents, budget, zones, endOf });
      found.push(...outcome.found);
      if (outcome.capped) truncated = true;
      if (outcome.stopped) {
        truncated = true;
        report(master.component, outcome.stopped);
      }
    }
    const mastersByUid = new Map(masters.flatMap((master) => (master.uid === null ? [] : [[master.uid, master] as const])));
    // An override is its own event at its own time, whether or not the rule still makes the
    // instance it replaced (the series may have been edited after it), as calendar apps show it.
    for (const override of [...overrides.values()].flat()) {
      if (override.cancelled) continue;
      const master = override.uid === null ? undefined : mastersByUid.get(override.uid);
      const start = override.zone.toEpoch(override.start.wall);
      const end = Math.max(start, endOf(override, override.start, override.duration ?? master?.duration ?? null));
      found.push({ start, end, allDay: override.allDay, entry: override, fallback: master ?? null });
    }
  }
  if (budget.exhausted) {
    truncated = true;
    problems.push({ event: null, line: null, problem: `reading stopped after ${budget.limitMs / 1000} s of work; events after that point are not listed` });
  }

  const inWindow = found
    .filter(({ start, end }) => (end > start ? end > from && start < to : start >= from && start < to))
    .sort((a, b) => a.start - b.start);
  if (inWindow.length > maxEvents) truncated = true;
  const events = inWindow.slice(0, maxEvents).map(({ start, end, allDay, entry, fallback }) => ({
    summary: cap(entry.summary ?? fallback?.summary ?? null, MAX_SUMMARY) ?? "(no title)",
    start: formatInZone(start, timeZone),
    end: formatInZone(end, timeZone),
    allDay,
    location: cap(entry.location ?? fallback?.location ?? null, MAX_LOCATION),
    description: cap(entry.description ?? fallback?.description ?? null, MAX_DESCRIPTION),
  }));
  const shownProblems =
    problems.length > MAX_PROBLEMS
      ? [...problems.slice(0, MAX_PROBLEMS - 1), { event: null, line: null, problem: `and ${problems.length - MAX_PROBLEMS + 1} more problems` }]
      : problems;
  return { calendarName, events, truncated, unreadable, problems: shownProblems, notes };
}
