// When a schedule fires: a cron expression names wall-clock times (a date and a time of day) in
// the owner's IANA time zone, and each of those times runs once, at the first moment the zone's
// clock shows that time or later. So across daylight-saving changes, for every expression alike
// (one hour, `*`, steps, ranges, lists, every minute):
// - a time that happens twice when clocks go back (02:30 on Berlin's October night) runs once,
//   at its first occurrence; an hourly schedule runs 24 times that day, with two real hours
//   between its 02:00 and 03:00 runs, because its wall-clock hours are 24;
// - a time skipped when clocks go forward (02:00-02:59 when Berlin jumps from 02:00 to 03:00,
//   Lord Howe's 02:00-02:29, Chatham's 02:45-03:44) runs once, at the first minute after the gap;
//   several skipped times, or a skipped time and the schedule's own time at the end of the gap,
//   make one run there, not several.
// croner reads the expression; it runs on a clock without daylight saving (UTC) to list the
// wall-clock times, and this module decides the instant each one names.
import { Cron } from "croner";
import { z } from "zod";
import { offsetAt } from "@/lib/tools/calendar/zoned-time";

export const SCHEDULE_PRESETS = [
  { id: "weekdays-0700", label: "Every weekday at 07:00", cron: "0 7 * * 1-5" },
  { id: "daily-0800", label: "Every day at 08:00", cron: "0 8 * * *" },
  { id: "mondays-0800", label: "Mondays at 08:00", cron: "0 8 * * 1" },
  { id: "hourly", label: "Every hour, on the hour", cron: "0 * * * *" },
  { id: "first-of-month-0900", label: "The 1st of every month at 09:00", cron: "0 9 1 * *" },
] as const;

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Why a five-field cron expression is not usable, or null when it is. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  // Six fields put seconds first (croner's extension): useful for short test schedules.
  if (fields.length !== 5 && fields.length !== 6) return "Use five fields: minute hour day-of-month month day-of-week, e.g. 0 7 * * 1-5.";
  try {
    const cron = new Cron(expression, { paused: true });
    return cron.nextRun() ? null : "This expression never fires.";
  } catch (error) {
    return `Not a valid cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export const scheduleTimingInput = z
  .object({
    cron: z.string().trim().min(1, "Choose a preset or write a cron expression."),
    timezone: z.string().trim().refine(isTimeZone, "Use an IANA time zone such as Europe/Berlin or America/New_York."),
  })
  .superRefine((value, ctx) => {
    const problem = cronProblem(value.cron);
    if (problem) ctx.addIssue({ code: "custom", path: ["cron"], message: problem });
  });

export type ScheduleTiming = z.infer<typeof scheduleTimingInput>;

/** The next `count` times the schedule fires strictly after `after`. */
export function nextRunTimes(timing: ScheduleTiming, after: Date, count = 5): Date[] {
  // Wall-clock times are written as Dates whose UTC fields are the zone's clock fields.
  const wallTimes = new Cron(timing.cron, { utcOffset: 0, paused: true });
  const firstShowing = firstInstantShowing(timing.timezone);
  const runs: Date[] = [];
  let wall: Date | null = new Date(after.getTime() + offsetAt(after.getTime(), timing.timezone));
  while (runs.length < count && (wall = wallTimes.nextRun(wall))) {
    const instant = firstShowing(wall.getTime());
    // Times the clock already showed before `after` (the first pass of a repeated hour) have run;
    // times moved to the end of a gap join the run already there.
    if (instant > after.getTime() && instant > (runs.at(-1)?.getTime() ?? -Infinity)) runs.push(new Date(instant));
  }
  return runs;
}

const HOUR_MS = 3_600_000;
// Offsets run from -12:00 to +14:00, so every instant showing a wall-clock time lies within 14
// hours before and 12 hours after that time read as UTC: a window of 26 hours, in which no zone
// changes its offset more than once.
const EARLIEST_MS = 14 * HOUR_MS;
const WINDOW_MS = 26 * HOUR_MS;

/**
 * For a zone, the first instant at which its clock shows a wall-clock time (epoch ms of that time
 * read as UTC) or later; slots are asked for in order. The runtime's time zone lookups are the slow
 * part, so it keeps a span of instants known to share one offset, extended a window at a time, and
 * the change of offset that ends it.
 */
function firstInstantShowing(timeZone: string): (wall: number) => number {
  let steady = { from: 0, to: -1, offset: 0 };
  let change: { at: number; after: number } | null = null;
  return (wall) => {
    const earliest = wall - EARLIEST_MS;
    if (earliest < steady.from || earliest > steady.to) {
      steady = { from: earliest, to: earliest, offset: offsetAt(earliest, timeZone) };
      change = null;
    }
    while (!change && steady.to < earliest + WINDOW_MS) {
      const next = steady.to + WINDOW_MS;
      const offset = offsetAt(next, timeZone);
      if (offset === steady.offset) {
        steady.to = next;
      } else {
        const at = firstInstantWithOffset(offset, steady.to, next, timeZone);
        steady.to = at - 1;
        change = { at, after: offset };
      }
    }
    // Before the change the clock reads instant + offset; from it on, instant + change.after.
    const before = wall - steady.offset;
    return !change || before < change.at ? before : Math.max(change.at, wall - change.after);
  };
}

/** The first whole second in (from, to] at which the zone's offset is `offset`, given it is there at `to` and not at `from`. */
function firstInstantWithOffset(offset: number, from: number, to: number, timeZone: string): number {
  let low = Math.floor(from / 1000);
  let high = Math.floor(to / 1000);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * 1000, timeZone) === offset) high = middle;
    else low = middle;
  }
  return high * 1000;
}
