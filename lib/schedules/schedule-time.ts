// When a schedule fires: a cron expression read in the owner's IANA time zone. Daylight-saving
// changes follow what a person expects of a wall clock: a time skipped by spring-forward (02:30
// when clocks jump from 02:00 to 03:00) runs once, at the first valid minute after it; a time
// that happens twice at fall-back (01:30) runs once, at its first occurrence.
import { Cron } from "croner";
import { z } from "zod";

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
  return new Cron(timing.cron, { timezone: timing.timezone, paused: true }).nextRuns(count, after);
}
