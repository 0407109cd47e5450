// Schedules fire exactly one task per slot, however many workers tick, and say what they missed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { fireDueSchedules } from "@/lib/schedules/fire-due-schedules";
import { createSchedule, listSchedules, setScheduleStatus } from "@/lib/schedules/manage-schedules";
import { createTestUser } from "../support/factories";
import { startTestPostgres, type TestPostgres } from "../support/test-postgres";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let pg: TestPostgres;
let db: Db;
let otherDb: Db;
let engine: DbosDispatcher;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  // Its own Postgres: these workers tick every schedule in the database.
  pg = await startTestPostgres(54419);
  db = createDb(pg.url);
  otherDb = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.kill()));
  await Promise.allSettled([engine?.close(), db?.$disconnect(), otherDb?.$disconnect()]);
  await pg?.destroy();
});

const MINUTE = 60_000;
const slotsOf = async (scheduleId: string) =>
  (await db.task.findMany({ where: { scheduleId }, select: { scheduledFor: true }, orderBy: { scheduledFor: "asc" } })).map((task) => task.scheduledFor!.toISOString());

describe("firing due slots", () => {
  it("two tickers racing over the same hour make exactly one task per 5-minute slot", async () => {
    const userId = await createTestUser(db);
    const schedule = await createSchedule(db, { userId, title: "Every 5 min", prompt: "tick", cron: "*/5 * * * *", timezone: "UTC", missedRunPolicy: "run_latest" });
    const start = new Date("2026-01-05T09:00:00Z");
    await db.schedule.update({ where: { id: schedule.id }, data: { nextRunAt: start } });
    // Two "workers" (separate connection pools) tick every minute of the hour, at the same instants.
    for (let minute = 0; minute < 60; minute++) {
      const now = new Date(start.getTime() + minute * MINUTE + 5_000);
      await Promise.all([db, otherDb].map((client) => fireDueSchedules({ db: client, engine, graceMs: MINUTE }, now)));
    }
    const slots = await slotsOf(schedule.id);
    expect(slots).toHaveLength(12);
    expect(slots[0]).toBe("2026-01-05T09:00:00.000Z");
    expect(slots[11]).toBe("2026-01-05T09:55:00.000Z");
    expect((await db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).missedRuns).toBe(0);
  });

  it("after downtime, run_latest runs the latest missed slot once and counts the rest; skip runs none", async () => {
    const userId = await createTestUser(db);
    const common = { userId, prompt: "report", cron: "0 * * * *", timezone: "Europe/Berlin" } as const;
    const latest = await createSchedule(db, { ...common, title: "Hourly, catch up", missedRunPolicy: "run_latest" });
    const skip = await createSchedule(db, { ...common, title: "Hourly, skip", missedRunPolicy: "skip" });
    const downSince = new Date("2026-02-02T06:00:00Z");
    await db.schedule.updateMany({ where: { id: { in: [latest.id, skip.id] } }, data: { nextRunAt: downSince } });

    // Back at 10:20 UTC: slots 06:00, 07:00, 08:00, 09:00 and 10:00 passed unrun.
    await fireDueSchedules({ db, engine, graceMs: MINUTE }, new Date("2026-02-02T10:20:00Z"));
    expect(await slotsOf(latest.id)).toEqual(["2026-02-02T10:00:00.000Z"]);
    expect(await slotsOf(skip.id)).toEqual([]);
    const [afterLatest, afterSkip] = await Promise.all([latest, skip].map((s) => db.schedule.findUniqueOrThrow({ where: { id: s.id } })));
    expect(afterLatest).toMatchObject({ missedRuns: 4, nextRunAt: new Date("2026-02-02T11:00:00Z") });
    expect(afterSkip).toMatchObject({ missedRuns: 5, lastMissedAt: new Date("2026-02-02T10:00:00Z") });
    const listed = (await listSchedules(db, { userId })).find((s) => s.id === skip.id)!;
    expect(listed).toMatchObject({ missedRuns: 5, lastMissedAt: "2026-02-02T10:00:00.000Z" });
  });

  it("a paused schedule fires nothing; resuming starts at the next slot, not with a burst", async () => {
    const userId = await createTestUser(db);
    const schedule = await createSchedule(db, { userId, title: "Pausable", prompt: "x", cron: "* * * * *", timezone: "UTC", missedRunPolicy: "run_latest" });
    const paused = await setScheduleStatus(db, { userId, scheduleId: schedule.id, status: "paused" });
    expect(paused.nextRuns).toEqual([]);
    await fireDueSchedules({ db, engine, graceMs: MINUTE }, new Date(Date.now() + 10 * MINUTE));
    expect(await slotsOf(schedule.id)).toEqual([]);
    const resumed = await setScheduleStatus(db, { userId, scheduleId: schedule.id, status: "active" });
    expect(resumed.nextRuns).toHaveLength(5);
    expect(new Date(resumed.nextRuns[0]!).getTime()).toBeGreaterThan(Date.now());
    const other = await createTestUser(db);
    await expect(setScheduleStatus(db, { userId: other, scheduleId: schedule.id, status: "paused" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("two workers ticking a live schedule", () => {
  it("every 2-second slot becomes exactly one completed task, with no gap and no duplicate", async () => {
    for (const id of ["tick-a", "tick-b"]) {
      workers.push(await startWorker({ databaseUrl: pg.url, workerId: id, env: { BATON_SCHEDULE_TICK_MS: "200", BATON_DEMO_LATENCY_MS: "50" } }));
    }
    const userId = await createTestUser(db);
    const schedule = await createSchedule(db, { userId, title: "Every 2 s", prompt: "tick", cron: "*/2 * * * * *", timezone: "UTC", missedRunPolicy: "run_latest" });
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    await setScheduleStatus(db, { userId, scheduleId: schedule.id, status: "paused" });

    const slots = (await slotsOf(schedule.id)).map((slot) => new Date(slot).getTime());
    expect(slots.length).toBeGreaterThanOrEqual(5);
    expect(new Set(slots).size).toBe(slots.length);
    for (let index = 1; index < slots.length; index++) expect(slots[index]! - slots[index - 1]!).toBe(2000);
    await waitFor(async () => (await db.task.count({ where: { scheduleId: schedule.id, status: "completed" } })) === slots.length, {
      what: "scheduled tasks completed",
    });
  });
});
