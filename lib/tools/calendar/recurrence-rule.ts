// RRULE values (RFC 5545 3.3.10) parsed and checked. A rule that breaks the grammar is refused
// with a reason the tool reports, never silently read as "no occurrences".
import { parseTime, type TimeValue } from "./ical-values";

const FREQUENCIES = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Weekdays as Date.getUTCDay() numbers them: SU = 0 ... SA = 6. */
const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

export interface WeekdayNum {
  /** 0 for every such weekday of the period; 1 the first, -1 the last, ... */
  nth: number;
  weekday: number;
}

export interface RecurrenceRule {
  freq: Frequency;
  interval: number;
  count: number | null;
  until: TimeValue | null;
  bySecond: number[] | null;
  byMinute: number[] | null;
  byHour: number[] | null;
  byDay: WeekdayNum[] | null;
  byMonthDay: number[] | null;
  byYearDay: number[] | null;
  byWeekNo: number[] | null;
  byMonth: number[] | null;
  bySetPos: number[] | null;
  weekStart: number;
}

function integers(text: string, min: number, max: number, allowNegative: boolean): number[] | string {
  const values: number[] = [];
  for (const part of text.split(",")) {
    if (!/^[+-]?\d{1,4}$/.test(part.trim())) return `"${part}" is not a number`;
    const value = Number(part);
    const size = Math.abs(value);
    if (size < min || size > max || (value < 0 && !allowNegative) || value === 0 && min > 0) return `${value} is out of range`;
    values.push(value);
  }
  return values;
}

function weekdayNums(text: string): WeekdayNum[] | string {
  const values: WeekdayNum[] = [];
  for (const part of text.split(",")) {
    const match = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/i.exec(part.trim());
    const nth = Number(match?.[1] ?? 0);
    if (!match || Math.abs(nth) > 53 || (match[1] !== undefined && nth === 0)) return `"${part}" is not a weekday`;
    values.push({ nth, weekday: WEEKDAYS.indexOf(match[2]!.toUpperCase()) });
  }
  return values;
}

/** The rule, or the reason it cannot be read. */
export function parseRecurrenceRule(text: string): RecurrenceRule | string {
  const parts = new Map<string, string>();
  for (const part of text.trim().split(";")) {
    if (part === "") continue;
    const [name, value] = part.split("=");
    if (!name || value === undefined) return `"${part}" is not NAME=VALUE`;
    if (parts.has(name.toUpperCase())) return `${name.toUpperCase()} is given twice`;
    parts.set(name.toUpperCase(), value);
  }
  const freq = parts.get("FREQ")?.toUpperCase();
  if (!freq) return "FREQ is missing";
  if (!(FREQUENCIES as readonly string[]).includes(freq)) return `FREQ=${freq} is not a frequency`;
  const rule: RecurrenceRule = {
    freq: freq as Frequency,
    interval: 1,
    count: null,
    until: null,
    bySecond: null,
    byMinute: null,
    byHour: null,
    byDay: null,
    byMonthDay: null,
    byYearDay: null,
    byWeekNo: null,
    byMonth: null,
    bySetPos: null,
    weekStart: 1,
  };
  const lists: [string, keyof RecurrenceRule, number, number, boolean][] = [
    ["BYSECOND", "bySecond", 0, 60, false],
    ["BYMINUTE", "byMinute", 0, 59, false],
    ["BYHOUR", "byHour", 0, 23, false],
    ["BYMONTHDAY", "byMonthDay", 1, 31, true],
    ["BYYEARDAY", "byYearDay", 1, 366, true],
    ["BYWEEKNO", "byWeekNo", 1, 53, true],
    ["BYMONTH", "byMonth", 1, 12, false],
    ["BYSETPOS", "bySetPos", 1, 366, true],
  ];
  for (const [name, key, min, max, allowNegative] of lists) {
    const value = parts.get(name);
    if (value === undefined) continue;
    const parsed = integers(value, min, max, allowNegative);
    if (typeof parsed === "string") return `${name}: ${parsed}`;
    Object.assign(rule, { [key]: parsed });
  }
  const interval = parts.get("INTERVAL");
  if (interval !== undefined) {
    if (!/^\d+$/.test(interval) || Number(interval) < 1) return `INTERVAL=${interval} is not a positive number`;
    rule.interval = Number(interval);
  }
  const count = parts.get("COUNT");
  if (count !== undefined) {
    if (!/^\d+$/.test(count) || Number(count) < 1) return `COUNT=${count} is not a positive number`;
    rule.count = Number(count);
  }
  const until = parts.get("UNTIL");
  if (until !== undefined) {
    if (count !== undefined) return "COUNT and UNTIL may not both be given";
    rule.until = parseTime(until, null);
    if (!rule.until) return `UNTIL=${until} is not a date or date-time`;
  }
  const byDay = parts.get("BYDAY");
  if (byDay !== undefined) {
    const parsed = weekdayNums(byDay);
    if (typeof parsed === "string") return `BYDAY: ${parsed}`;
    rule.byDay = parsed;
  }
  const weekStart = parts.get("WKST");
  if (weekStart !== undefined) {
    const index = WEEKDAYS.indexOf(weekStart.toUpperCase());
    if (index < 0) return `WKST=${weekStart} is not a weekday`;
    rule.weekStart = index;
  }
  return rule;
}
