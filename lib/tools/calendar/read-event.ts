// One VEVENT -> what expansion needs, each value checked. What cannot be read is reported; the
// event is dropped only when it cannot be placed in time at all.
import { allProperties, firstProperty, textValue, type Component, type Property } from "./content-lines";
import type { CalendarZones, Zone } from "./calendar-zones";
import { DAY_MS, parseDuration, parsePeriod, parseTime, type Duration, type TimeValue } from "./ical-values";
import { parseRecurrenceRule, type RecurrenceRule } from "./recurrence-rule";

// No real event lasts longer; a far larger DURATION (P999999999999999999W) is an error or an attack.
const MAX_SPAN_DAYS = 100 * 366;

export interface CalendarEntry {
  component: Component;
  uid: string | null;
  sequence: number;
  recurrenceId: TimeValue | null;
  start: TimeValue;
  /** The zone DTSTART is in; all-day events use the reader's zone. */
  zone: Zone;
  allDay: boolean;
  /** Null when the event gives neither DTEND nor DURATION (an override then takes its series'). */
  duration: Duration | null;
  rules: RecurrenceRule[];
  rdates: { start: TimeValue; duration: Duration | null }[];
  exdates: TimeValue[];
  cancelled: boolean;
  summary: string | null;
  location: string | null;
  description: string | null;
}

type Report = (component: Component, problem: string, line?: number) => void;

function tzidOf(property: Property): string | null {
  return property.params.get("TZID") ?? null;
}

function text(component: Component, name: string): string | null {
  const value = firstProperty(component, name)?.value;
  return value === undefined || value.trim() === "" ? null : textValue(value);
}

/** Every value of the properties named (RDATE and EXDATE may repeat and list several). */
function values(component: Component, name: string): { property: Property; value: string }[] {
  return allProperties(component, name).flatMap((property) =>
    property.value
      .split(",")
      .filter((value) => value.trim() !== "") // an empty `RDATE:` adds nothing
      .map((value) => ({ property, value })),
  );
}

function spanDays({ days, ms }: Duration): number {
  return Math.abs(days) + Math.abs(ms) / DAY_MS;
}

function readDuration(component: Component, start: TimeValue, zones: CalendarZones, report: Report): Duration | null | "too long" {
  const durationProperty = firstProperty(component, "DURATION");
  const endProperty = firstProperty(component, "DTEND");
  let duration: Duration | null = null;
  if (durationProperty) {
    duration = parseDuration(durationProperty.value);
    if (!duration) report(component, `DURATION "${durationProperty.value}" is not a duration; read without an end`, durationProperty.line);
  } else if (endProperty) {
    const end = parseTime(endProperty.value, tzidOf(endProperty));
    if (!end) report(component, `DTEND "${endProperty.value}" is not a date or date-time; read without an end`, endProperty.line);
    else if (start.kind === "date" || end.kind === "date") duration = { days: Math.round((end.wall - start.wall) / DAY_MS), ms: 0 };
    else duration = { days: 0, ms: zones.zoneOf(end).toEpoch(end.wall) - zones.zoneOf(start).toEpoch(start.wall) };
  }
  if (duration && spanDays(duration) > MAX_SPAN_DAYS) return "too long";
  if (duration && duration.days * DAY_MS + duration.ms < 0) {
    report(component, "it ends before it starts; read as ending when it starts", (durationProperty ?? endProperty)?.line);
    return { days: 0, ms: 0 };
  }
  return duration;
}

/** The event, or null (reported) if it cannot be placed in time. */
export function readEvent(component: Component, zones: CalendarZones, report: Report): CalendarEntry | null {
  const startProperty = firstProperty(component, "DTSTART");
  if (!startProperty) {
    report(component, "it has no DTSTART; left out");
    return null;
  }
  const start = parseTime(startProperty.value, tzidOf(startProperty));
  if (!start) {
    report(component, `DTSTART "${startProperty.value}" is not a date or date-time; left out`, startProperty.line);
    return null;
  }
  const duration = readDuration(component, start, zones, report);
  if (duration === "too long") {
    report(component, `it lasts more than ${MAX_SPAN_DAYS / 366} years (DTEND or DURATION); left out`);
    return null;
  }

  const rules: RecurrenceRule[] = [];
  for (const property of allProperties(component, "RRULE")) {
    const rule = parseRecurrenceRule(property.value);
    if (typeof rule === "string") report(component, `RRULE "${property.value}" cannot be used (${rule}); only its other dates are listed`, property.line);
    else rules.push(rule);
  }
  const rdates: CalendarEntry["rdates"] = [];
  for (const { property, value } of values(component, "RDATE")) {
    const period = value.includes("/") ? parsePeriod(value, tzidOf(property)) : null;
    const single = period ? null : parseTime(value, tzidOf(property));
    if (period) {
      const periodDuration =
        period.duration ??
        (period.end ? { days: 0, ms: zones.zoneOf(withZone(period.end)).toEpoch(period.end.wall) - zones.zoneOf(withZone(period.start)).toEpoch(period.start.wall) } : null);
      if (periodDuration && spanDays(periodDuration) <= MAX_SPAN_DAYS) rdates.push({ start: period.start, duration: periodDuration });
      else report(component, `RDATE period "${value}" is out of range; skipped`, property.line);
    } else if (single) rdates.push({ start: single, duration: null });
    else report(component, `RDATE "${value}" is not a date, date-time or period; skipped`, property.line);
  }
  const exdates: TimeValue[] = [];
  for (const { property, value } of values(component, "EXDATE")) {
    const exdate = parseTime(value, tzidOf(property));
    if (exdate) exdates.push(exdate);
    else report(component, `EXDATE "${value}" is not a date or date-time; skipped`, property.line);
  }

  const recurrenceIdProperty = firstProperty(component, "RECURRENCE-ID");
  const recurrenceId = recurrenceIdProperty ? parseTime(recurrenceIdProperty.value, tzidOf(recurrenceIdProperty)) : null;
  if (recurrenceIdProperty && !recurrenceId) {
    report(component, `RECURRENCE-ID "${recurrenceIdProperty.value}" is not a date or date-time; left out`, recurrenceIdProperty.line);
    return null;
  }
  const sequence = Number(firstProperty(component, "SEQUENCE")?.value.trim() ?? "0");
  const allDay = start.kind === "date";
  return {
    component,
    uid: firstProperty(component, "UID")?.value.trim() || null,
    sequence: Number.isSafeInteger(sequence) ? sequence : 0,
    recurrenceId,
    start,
    zone: allDay ? zones.floating : zones.zoneOf(withZone(start)),
    allDay,
    duration,
    rules,
    rdates,
    exdates,
    cancelled: firstProperty(component, "STATUS")?.value.trim().toUpperCase() === "CANCELLED",
    summary: text(component, "SUMMARY"),
    location: text(component, "LOCATION"),
    description: text(component, "DESCRIPTION"),
  };
}

/** A date-time's zone fields; a date has none (it is read where the reader is). */
export function withZone(value: TimeValue): { utc: boolean; tzid: string | null } {
  return value.kind === "date-time" ? value : { utc: false, tzid: null };
}
