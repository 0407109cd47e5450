// One recurring event -> its occurrences near a window: DTSTART, each RRULE and RDATE, minus
// EXDATE and the instances overrides replace (RFC 5545 3.8.5). An instant is listed once however
// many of these name it; an EXDATE wins over all of them.
import type { CalendarZones } from "./calendar-zones";
import { DAY_MS, type Duration, type TimeValue } from "./ical-values";
import { ruleInstances } from "./expand-rule";
import type { RecurrenceRule } from "./recurrence-rule";
import { withZone, type CalendarEntry } from "./read-event";
import type { WorkBudget } from "./work-budget";

export interface Found {
  start: number;
  end: number;
  allDay: boolean;
  entry: CalendarEntry;
  /** The series an override belongs to, for the fields the override leaves out. */
  fallback: CalendarEntry | null;
}

export interface SeriesWindow {
  from: number;
  to: number;
  maxEvents: number;
  budget: WorkBudget;
  zones: CalendarZones;
  endOf(entry: CalendarEntry, start: TimeValue, duration: Duration | null): number;
}

// A rule that makes nothing for a long time (FREQ=SECONDLY with COUNT, from 1990) stops here.
export const MAX_STEPS_PER_SERIES = 100_000;

const dayKey = (wall: number) => `D${Math.floor(wall / DAY_MS)}`;
const instantKey = (epoch: number) => `T${epoch}`;

/** The key an EXDATE or RECURRENCE-ID matches: the day for all-day series and DATE values, else the instant. */
function targetKey(value: TimeValue, master: CalendarEntry, zones: CalendarZones): string {
  if (value.kind === "date") return dayKey(value.wall);
  // An all-day instance is a day: a date-time naming it (Exchange writes local midnight) names its
  // day, in its own zone, or for a UTC value where the reader is.
  if (master.allDay) return dayKey(value.utc ? zones.wallInFloating(value.wall) : value.wall);
  return instantKey(zones.zoneOf(withZone(value)).toEpoch(value.wall));
}

function untilPassed(rule: RecurrenceRule, wall: number, master: CalendarEntry): boolean {
  const { until } = rule;
  if (!until) return false;
  if (until.kind === "date") return Math.floor(wall / DAY_MS) * DAY_MS > until.wall;
  if (until.utc && !master.allDay) return master.zone.toEpoch(wall) > until.wall;
  return wall > until.wall;
}

function spanMs({ duration, allDay }: CalendarEntry): number {
  if (!duration) return allDay ? DAY_MS : 0;
  return Math.max(0, duration.days * DAY_MS + duration.ms);
}

// A wall-clock time and the instant it names differ by the zone's offset: at most 14 hours.
const MAX_OFFSET_MS = 15 * 3_600_000;

export async function expandSeries(
  master: CalendarEntry,
  overrides: CalendarEntry[],
  window: SeriesWindow,
): Promise<{ found: Found[]; stopped: string | null; capped: boolean }> {
  const { from, to, maxEvents, budget, zones } = window;
  const instances = new Map<string, { start: number; end: number; wall: number }>();
  let inWindow = 0;
  const add = (start: TimeValue, zone: { toEpoch(wall: number): number }, duration: Duration | null) => {
    const epoch = zone.toEpoch(start.wall);
    const key = master.allDay ? dayKey(start.wall) : instantKey(epoch);
    if (instances.has(key)) return;
    const end = Math.max(epoch, window.endOf({ ...master, zone }, start, duration));
    instances.set(key, { start: epoch, end, wall: start.wall });
    if (end > from && epoch < to) inWindow++;
  };

  add(master.start, master.zone, master.duration);
  for (const rdate of master.rdates) {
    add(rdate.start, master.allDay ? master.zone : zones.zoneOf(withZone(rdate.start)), rdate.duration ?? master.duration);
  }

  let stopped: string | null = null;
  const lowest = from - spanMs(master) - MAX_OFFSET_MS;
  const highest = to + MAX_OFFSET_MS;
  let steps = 0;
  rules: for (const rule of master.rules) {
    const end = rule.until ? Math.min(highest, rule.until.wall + DAY_MS) : highest;
    let counted = 1; // DTSTART is always the first instance (RFC 5545 3.8.5.3)
    const walk = { start: master.start.wall, end, skipTo: rule.count === null ? lowest : null };
    for (const wall of ruleInstances(rule, walk)) {
      await budget.step();
      if (++steps > MAX_STEPS_PER_SERIES) {
        stopped = `its recurrence rule was followed for ${MAX_STEPS_PER_SERIES} steps without getting past the window; later occurrences are not listed`;
        break rules;
      }
      // Out of time (the caller reports it), or more in the window than can be shown (truncated).
      if (budget.exhausted || inWindow > maxEvents) break rules;
      if (wall === null) continue;
      if (wall !== master.start.wall && rule.count !== null && ++counted > rule.count) break;
      if (wall < lowest) continue;
      if (untilPassed(rule, wall, master) || wall > highest) break;
      add({ ...master.start, wall }, master.zone, master.duration);
    }
  }

  const excluded = new Set(master.exdates.map((exdate) => targetKey(exdate, master, zones)));
  const replaced = new Set(
    overrides.flatMap((override) => (override.recurrenceId ? [targetKey(override.recurrenceId, master, zones)] : [])),
  );
  const found: Found[] = [];
  for (const [key, { start, end, wall }] of instances) {
    const keys = master.allDay ? [key] : [key, dayKey(wall)];
    if (keys.some((candidate) => excluded.has(candidate) || replaced.has(candidate))) continue;
    found.push({ start, end, allDay: master.allDay, entry: master, fallback: null });
  }
  return { found, stopped, capped: inWindow > maxEvents };
}
