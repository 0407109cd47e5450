// The instances of one RRULE, in wall-clock time, period by period (RFC 5545 3.3.10): each period
// of FREQ (a year, a month, a week...) gives a set of candidate times from the BYxxx parts, which
// BYSETPOS then picks from. Written here rather than taken from ical.js, which gets RFC 5545's own
// examples wrong (BYDAY=20MO in a yearly rule gave every Monday; BYWEEKNO started a week late).
import { DAY_MS, wallMs } from "./ical-values";
import type { RecurrenceRule } from "./recurrence-rule";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SUB_DAILY_UNIT = { HOURLY: HOUR_MS, MINUTELY: MINUTE_MS, SECONDLY: 1000 } as const;

export interface RuleWalk {
  /** DTSTART, wall ms; no instance before it is given. */
  start: number;
  /** Stop once a period begins after this wall time. */
  end: number;
  /** Instances before this wall time may be skipped; only without COUNT, which counts from DTSTART. */
  skipTo: number | null;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  weekday: number;
  dayOfYear: number;
  daysInMonth: number;
  daysInYear: number;
}

function fieldsOf(wall: number): Fields {
  const date = new Date(wall);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const jan1 = wallMs(year, 1, 1);
  return {
    year,
    month,
    day: date.getUTCDate(),
    weekday: date.getUTCDay(),
    dayOfYear: Math.round((startOfDay(wall) - jan1) / DAY_MS) + 1,
    daysInMonth: daysInMonth(year, month),
    daysInYear: daysInYear(year),
  };
}

function daysInMonth(year: number, month: number): number {
  const first = wallMs(year, month, 1);
  const next = month === 12 ? wallMs(year + 1, 1, 1) : wallMs(year, month + 1, 1);
  return Math.round(((Number.isNaN(next) ? first + 31 * DAY_MS : next) - first) / DAY_MS);
}

function daysInYear(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

function startOfDay(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS;
}

/** The first day of the week (starting on `weekStart`) that holds `wall`. */
function startOfWeek(wall: number, weekStart: number): number {
  const day = startOfDay(wall);
  return day - ((new Date(day).getUTCDay() - weekStart + 7) % 7) * DAY_MS;
}

/** Week 1 is the first week with at least four days in the year (RFC 5545, as ISO 8601). */
function startOfWeekOne(year: number, weekStart: number): number {
  const jan1 = wallMs(year, 1, 1);
  const into = (new Date(jan1).getUTCDay() - weekStart + 7) % 7;
  return into <= 3 ? jan1 - into * DAY_MS : jan1 + (7 - into) * DAY_MS;
}

function nthMatches(nth: number, position: number, length: number): boolean {
  return nth === (Math.floor((position - 1) / 7) + 1) || nth === -(Math.floor((length - position) / 7) + 1);
}

function matchesValue(values: number[], position: number, length: number): boolean {
  return values.some((value) => (value > 0 ? value === position : length + value + 1 === position));
}

/** Whether a day passes the day-level BYxxx parts; `nthIn` says what BYDAY=2MO counts within. */
function dayMatches(rule: RecurrenceRule, day: number, nthIn: "year" | "month" | null): boolean {
  const fields = fieldsOf(day);
  if (rule.byMonth && !rule.byMonth.includes(fields.month)) return false;
  if (rule.byMonthDay && !matchesValue(rule.byMonthDay, fields.day, fields.daysInMonth)) return false;
  if (rule.byYearDay && !matchesValue(rule.byYearDay, fields.dayOfYear, fields.daysInYear)) return false;
  if (rule.byDay) {
    const matched = rule.byDay.some(({ nth, weekday }) => {
      if (weekday !== fields.weekday) return false;
      if (nth === 0 || nthIn === null) return true;
      return nthIn === "month"
        ? nthMatches(nth, fields.day, fields.daysInMonth)
        : nthMatches(nth, fields.dayOfYear, fields.daysInYear);
    });
    if (!matched) return false;
  }
  return true;
}

function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => first + index * DAY_MS);
}

function yearDays(rule: RecurrenceRule, year: number, start: Fields): number[] {
  if (rule.byWeekNo) {
    const weekOne = startOfWeekOne(year, rule.weekStart);
    const weeks = Math.round((startOfWeekOne(year + 1, rule.weekStart) - weekOne) / (7 * DAY_MS));
    const days = rule.byWeekNo
      .map((week) => (week > 0 ? week : weeks + week + 1))
      .filter((week) => week >= 1 && week <= weeks)
      .flatMap((week) => range(weekOne + (week - 1) * 7 * DAY_MS, 7));
    return [...new Set(days)].sort((a, b) => a - b).filter((day) => dayMatches(rule, day, null));
  }
  if (!rule.byMonthDay && !rule.byYearDay && !rule.byDay) {
    return (rule.byMonth ?? [start.month]).map((month) => wallMs(year, month, start.day)).filter((day) => !Number.isNaN(day));
  }
  return range(wallMs(year, 1, 1), daysInYear(year)).filter((day) => dayMatches(rule, day, rule.byMonth ? "month" : "year"));
}

function monthDays(rule: RecurrenceRule, year: number, month: number, start: Fields): number[] {
  if (rule.byMonth && !rule.byMonth.includes(month)) return [];
  if (!rule.byMonthDay && !rule.byDay && !rule.byYearDay) {
    const day = wallMs(year, month, start.day);
    return Number.isNaN(day) ? [] : [day];
  }
  return range(wallMs(year, month, 1), daysInMonth(year, month)).filter((day) => dayMatches(rule, day, "month"));
}

function weekDays(rule: RecurrenceRule, weekStart: number, start: Fields): number[] {
  const byDay = rule.byDay ?? [{ nth: 0, weekday: start.weekday }];
  return range(weekStart, 7).filter((day) => dayMatches({ ...rule, byDay, byMonthDay: null, byYearDay: null }, day, null));
}

function cross(...lists: number[][]): number[] {
  return lists.reduce<number[]>((sums, list) => sums.flatMap((sum) => list.map((value) => sum + value)), [0]);
}

/** Offsets into a day of the candidate times, for periods of a day or longer. */
function timesOfDay(rule: RecurrenceRule, start: number): number[] {
  const date = new Date(start);
  return cross(
    (rule.byHour ?? [date.getUTCHours()]).map((hour) => hour * HOUR_MS),
    (rule.byMinute ?? [date.getUTCMinutes()]).map((minute) => minute * MINUTE_MS),
    (rule.bySecond ?? [date.getUTCSeconds()]).map((second) => Math.min(second, 59) * 1000),
  ).sort((a, b) => a - b);
}

/** The candidate times of a sub-daily period that starts at `periodStart`. */
function subDailyTimes(rule: RecurrenceRule, periodStart: number, start: number): number[] {
  const period = new Date(periodStart);
  const first = new Date(start);
  if (rule.byHour && !rule.byHour.includes(period.getUTCHours())) return [];
  if (rule.freq === "HOURLY") {
    return cross(
      [periodStart],
      (rule.byMinute ?? [first.getUTCMinutes()]).map((minute) => minute * MINUTE_MS),
      (rule.bySecond ?? [first.getUTCSeconds()]).map((second) => second * 1000),
    ).sort((a, b) => a - b);
  }
  if (rule.byMinute && !rule.byMinute.includes(period.getUTCMinutes())) return [];
  if (rule.freq === "MINUTELY") return cross([periodStart], (rule.bySecond ?? [first.getUTCSeconds()]).map((second) => second * 1000)).sort((a, b) => a - b);
  return rule.bySecond && !rule.bySecond.includes(period.getUTCSeconds()) ? [] : [periodStart];
}

/**
 * A period's candidates, ascending, without building them: days x times can reach millions
 * (BYHOUR, BYMINUTE and BYSECOND all listed), and each one taken is a step the caller bounds.
 */
interface Candidates {
  length: number;
  at(index: number): number;
}

/** The indexes BYSETPOS picks (1 the first, -1 the last), ascending, or all of them. */
function* pickedIndexes({ length }: Candidates, setPos: number[] | null, from: number): Generator<number> {
  if (!setPos) {
    for (let index = from; index < length; index++) yield index;
    return;
  }
  const picked = setPos.map((position) => (position > 0 ? position - 1 : length + position)).filter((index) => index >= from && index < length);
  yield* [...new Set(picked)].sort((a, b) => a - b);
}

/** The first index whose candidate is at or after `start` (candidates ascend). */
function firstAtOrAfter(candidates: Candidates, start: number): number {
  let low = 0;
  let high = candidates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (candidates.at(middle) < start) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The rule's instances at or after `walk.start` (or `walk.skipTo`), ascending, as wall ms. Yields null for a period
 * with none, so the caller can count (and bound) the work even when nothing matches.
 */
export function* ruleInstances(rule: RecurrenceRule, walk: RuleWalk): Generator<number | null> {
  const start = fieldsOf(walk.start);
  const { interval } = rule;
  const firstMonth = start.year * 12 + start.month - 1;
  const firstWeek = startOfWeek(walk.start, rule.weekStart);
  const subDailyUnit = rule.freq in SUB_DAILY_UNIT ? SUB_DAILY_UNIT[rule.freq as keyof typeof SUB_DAILY_UNIT] : null;
  const firstPeriod = subDailyUnit ? Math.floor(walk.start / subDailyUnit) * subDailyUnit : startOfDay(walk.start);
  const times = timesOfDay(rule, walk.start);
  const skipTo = walk.skipTo !== null && walk.skipTo > walk.start ? walk.skipTo : null;
  const earliest = skipTo ?? walk.start;

  let index = 0;
  if (skipTo !== null) {
    const ahead = fieldsOf(skipTo);
    const periods =
      rule.freq === "YEARLY"
        ? ahead.year - start.year
        : rule.freq === "MONTHLY"
          ? ahead.year * 12 + ahead.month - 1 - firstMonth
          : rule.freq === "WEEKLY"
            ? Math.round((startOfWeek(skipTo, rule.weekStart) - firstWeek) / (7 * DAY_MS))
            : Math.floor((skipTo - firstPeriod) / (subDailyUnit ?? DAY_MS));
    index = Math.max(0, Math.floor(periods / interval));
  }

  const last = Math.min(walk.end, wallMs(9999, 12, 31));
  for (; ; index++) {
    let periodStart: number;
    if (rule.freq === "YEARLY") periodStart = wallMs(start.year + index * interval, 1, 1);
    else if (rule.freq === "MONTHLY") {
      const month = firstMonth + index * interval;
      periodStart = wallMs(Math.floor(month / 12), (month % 12) + 1, 1);
    } else if (rule.freq === "WEEKLY") periodStart = firstWeek + index * interval * 7 * DAY_MS;
    else periodStart = firstPeriod + index * interval * (subDailyUnit ?? DAY_MS);
    if (Number.isNaN(periodStart) || periodStart > last) return;

    let days: number[];
    if (rule.freq === "YEARLY") days = yearDays(rule, new Date(periodStart).getUTCFullYear(), start);
    else if (rule.freq === "MONTHLY") {
      const date = new Date(periodStart);
      days = monthDays(rule, date.getUTCFullYear(), date.getUTCMonth() + 1, start);
    } else if (rule.freq === "WEEKLY") days = weekDays(rule, periodStart, start);
    else {
      const day = startOfDay(periodStart);
      if (!dayMatches(rule, day, null)) {
        // Nothing on this day: go straight to the first period of the next one.
        if (subDailyUnit) index = Math.max(index, Math.ceil((day + DAY_MS - firstPeriod) / (subDailyUnit * interval)) - 1);
        yield null;
        continue;
      }
      days = [day];
    }

    const inPeriod = subDailyUnit ? subDailyTimes(rule, periodStart, walk.start) : null;
    const candidates: Candidates = inPeriod
      ? { length: inPeriod.length, at: (index) => inPeriod[index]! }
      : { length: days.length * times.length, at: (index) => days[Math.floor(index / times.length)]! + times[index % times.length]! };
    let given = 0;
    for (const index of pickedIndexes(candidates, rule.bySetPos, rule.bySetPos ? 0 : firstAtOrAfter(candidates, earliest))) {
      const instance = candidates.at(index);
      if (instance < earliest) continue;
      given++;
      yield instance;
    }
    if (given === 0) yield null;
  }
}
