// Every minute (Inngest's finest cron): turns due schedule slots into tasks, with the same
// exactly-once-per-slot rule as the DBOS worker's tick (a claimed schedule row and a unique slot,
// so overlapping ticks cannot both fire one), and does the worker's other housekeeping: starts
// runs whose start never reached Inngest, and sends again signals no wait has read.
import { cron } from "inngest";
import type { Db } from "@/lib/db";
import type { InngestDispatcher } from "@/lib/engine/inngest/dispatcher";
import { SCHEDULE_TICK_FUNCTION } from "@/lib/engine/inngest/names";
import { fireDueSchedules } from "@/lib/schedules/fire-due-schedules";
import { startStrandedRuns } from "@/lib/tasks/stranded-runs";
import { inngest } from "./client";

export interface ScheduleTickDeps {
  db: Db;
  dispatcher: InngestDispatcher;
  /** A slot fired later than this after its time counts as missed (BATON_SCHEDULE_GRACE_MS). */
  graceMs: number;
}

const STRANDED_AFTER_MS = 60_000;
const REDELIVER_AFTER_MS = 30_000;

export function createScheduleTickFunction(deps: () => Promise<ScheduleTickDeps>) {
  return inngest.createFunction({ id: SCHEDULE_TICK_FUNCTION, triggers: [cron("* * * * *")], retries: 3 }, async ({ step }) => {
    const { db, dispatcher, graceMs } = await deps();
    const fired = await step.run("fire-due-schedules", () => fireDueSchedules({ db, engine: dispatcher, graceMs }));
    const stranded = await step.run("start-stranded-runs", () => startStrandedRuns(db, dispatcher, { olderThanMs: STRANDED_AFTER_MS, limit: 100 }));
    const redelivered = await step.run("redeliver-signals", () => dispatcher.redeliverUnreadSignals({ olderThanMs: REDELIVER_AFTER_MS, limit: 100 }));
    return { ...fired, stranded, redelivered };
  });
}
