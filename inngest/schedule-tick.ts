// Every minute (Inngest's finest cron): turns due schedule slots into tasks, with the same
// exactly-once-per-slot rule as the DBOS worker's tick (a claimed schedule row and a unique slot,
// so overlapping ticks cannot both fire one), and does the worker's other housekeeping: starts
// runs whose start never reached Inngest, sends again signals no wait has read, and polls the due
// feed, calendar and mail triggers (each claimed by one tick, as with several DBOS workers).
import { cron } from "inngest";
import type { Db } from "@/lib/db";
import type { InngestDispatcher } from "@/lib/engine/inngest/dispatcher";
import { SCHEDULE_TICK_FUNCTION } from "@/lib/engine/inngest/names";
import { fireDueSchedules } from "@/lib/schedules/fire-due-schedules";
import { startStrandedRuns } from "@/lib/tasks/stranded-runs";
import type { FetchFeed } from "@/lib/triggers/fetch-feed";
import { pollDueTriggers } from "@/lib/triggers/poll-triggers";
import { inngest } from "./client";

export interface ScheduleTickDeps {
  db: Db;
  dispatcher: InngestDispatcher;
  /** A slot fired later than this after its time counts as missed (BATON_SCHEDULE_GRACE_MS). */
  graceMs: number;
  fetchFeed: FetchFeed;
}

const STRANDED_AFTER_MS = 60_000;
const REDELIVER_AFTER_MS = 30_000;

export function createScheduleTickFunction(deps: () => Promise<ScheduleTickDeps>) {
  return inngest.createFunction({ id: SCHEDULE_TICK_FUNCTION, triggers: [cron("* * * * *")], retries: 3 }, async ({ step }) => {
    const { db, dispatcher, graceMs, fetchFeed } = await deps();
    const fired = await step.run("fire-due-schedules", () => fireDueSchedules({ db, engine: dispatcher, graceMs }));
    const stranded = await step.run("start-stranded-runs", () => startStrandedRuns(db, dispatcher, { olderThanMs: STRANDED_AFTER_MS, limit: 100 }));
    const redelivered = await step.run("redeliver-signals", () => dispatcher.redeliverUnreadSignals({ olderThanMs: REDELIVER_AFTER_MS, limit: 100 }));
    const triggers = await step.run("poll-triggers", () => pollDueTriggers({ db, engine: dispatcher, fetchFeed }));
    return { ...fired, stranded, redelivered, triggers };
  });
}
