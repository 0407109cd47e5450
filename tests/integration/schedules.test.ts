// Schedules fire exactly one task per slot, however many workers tick, and say what they missed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { fireDueSchedules } from "@/lib/schedules/fire-due-schedules";
import { createSchedule, listSchedules, setScheduleStatus } from "@/lib/schedules/manage-schedules";
import { nextRunTimes } from "@/lib/schedules/schedule-time";
import { formatInZone } from "@/lib/tools/calendar/zoned-time";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";
import { startWorker, type WorkerProcess } from "../support/worker-process";

let pg: TestDatabase;
let db: Db;
let otherDb: Db;
let engine: DbosDispatcher;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  // Its own Postgres: these workers tick every schedule in the database.
  pg = await testDatabase("schedules");
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

  it("ticking every minute through Berlin's two change nights, an hourly schedule makes one task per wall-clock hour", async () => {
    const userId = await createTestUser(db);
    const schedule = await createSchedule(db, { userId, title: "Hourly in Berlin", prompt: "report", cron: "0 * * * *", timezone: "Europe/Berlin", missedRunPolicy: "skip" });
    const nights = [
      { from: "2027-03-28T00:00:00+01:00", minutes: 210 }, // to 04:30 CEST; 02:00 CET becomes 03:00 CEST
      { from: "2027-10-31T00:00:00+02:00", minutes: 390 }, // to 05:30 CET; 03:00 CEST becomes 02:00 CET
    ];
    for (const night of nights) {
      const start = new Date(night.from);
      await db.schedule.update({ where: { id: schedule.id }, data: { nextRunAt: nextRunTimes(schedule, new Date(start.getTime() - 1), 1)[0]! } });
      for (let minute = 0; minute < night.minutes; minute++) {
        await fireDueSchedules({ db, engine, graceMs: MINUTE }, new Date(start.getTime() + minute * MINUTE + 5_000));
      }
    }
    const berlin = (iso: string) => formatInZone(new Date(iso).getTime(), "Europe/Berlin");
    expect((await slotsOf(schedule.id)).map(berlin)).toEqual([
      "2027-03-28T00:00:00+01:00",
      "2027-03-28T01:00:00+01:00",
      "2027-03-28T03:00:00+02:00", // 02:00 does not exist that night: once, at the end of the gap
      "2027-03-28T04:00:00+02:00",
      "2027-10-31T00:00:00+02:00",
      "2027-10-31T01:00:00+02:00",
      "2027-10-31T02:00:00+02:00", // 02:00 happens twice that night: once, the first time
      "2027-10-31T03:00:00+01:00",
      "2027-10-31T04:00:00+01:00",
      "2027-10-31T05:00:00+01:00",
    ]);
    expect((await db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).missedRuns).toBe(0);
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

describe("both workers down past several slots, then started again", () => {
  const GRACE_MS = 1000;
  const EVERY_2S = { cron: "*/2 * * * * *", timezone: "UTC" } as const;
  const WORKER_ENV = { BATON_SCHEDULE_TICK_MS: "200", BATON_SCHEDULE_GRACE_MS: String(GRACE_MS), BATON_DEMO_LATENCY_MS: "50" };
  /** The schedule's slots in [from, to), from the cron itself. */
  const cronSlots = (from: number, to: number) =>
    to <= from ? [] : nextRunTimes(EVERY_2S, new Date(from - 1), Math.ceil((to - from) / 1000) + 2).map((slot) => slot.getTime()).filter((slot) => slot < to);
  const taskSlots = async (scheduleId: string) => (await slotsOf(scheduleId)).map((slot) => new Date(slot).getTime());
  // The same ids after the crash, so each worker recovers the runs its predecessor left unfinished.
  // One after the other: a starting worker migrates under an advisory lock.
  const start = async (workerId: string) => {
    workers.push(await startWorker({ databaseUrl: pg.url, workerId, env: WORKER_ENV }));
    return Date.now();
  };
  /**
   * Every slot in [from, until) ran at most once, and each one that did not run is counted as missed:
   * none is skipped silently. (A tick later than the grace, e.g. on a starved machine, counts too.)
   */
  const expectAccountedFor = (slots: number[], missedRuns: number, from: number, until: number) => {
    const all = cronSlots(from, until);
    expect(new Set(slots).size).toBe(slots.length);
    expect(all).toEqual(expect.arrayContaining(slots));
    expect(missedRuns).toBe(all.length - slots.length);
    return all.filter((slot) => !slots.includes(slot));
  };

  it("run_latest runs one slot for the whole downtime, skip none, both count the rest, and both fire on time again", async () => {
    // Workers from earlier tests tick with the default grace; this test needs its own short one.
    await Promise.all(workers.splice(0).map((worker) => worker.kill()));
    await start("down-a");
    const userId = await createTestUser(db);
    const [latest, skip] = await Promise.all([
      createSchedule(db, { ...EVERY_2S, userId, title: "Every 2 s, catch up", prompt: "tick", missedRunPolicy: "run_latest" }),
      createSchedule(db, { ...EVERY_2S, userId, title: "Every 2 s, skip", prompt: "tick", missedRunPolicy: "skip" }),
    ]);
    const ids = [latest.id, skip.id];
    const firstSlot = new Map<string, number>();
    for (const id of ids) firstSlot.set(id, (await db.schedule.findUniqueOrThrow({ where: { id } })).nextRunAt!.getTime());
    const upAt = await start("down-b");
    await waitFor(async () => (await Promise.all(ids.map(taskSlots))).every((slots) => slots.length >= 2 && slots.at(-1)! >= upAt), {
      what: "slots fired by both workers",
      timeoutMs: 15_000,
    });

    // Both workers die at once; nothing ticks until they are back.
    await Promise.all(workers.splice(0).map((worker) => worker.kill("SIGKILL")));
    const downFrom = new Map<string, number>();
    for (const id of ids) {
      const [schedule, slots] = await Promise.all([db.schedule.findUniqueOrThrow({ where: { id } }), taskSlots(id)]);
      downFrom.set(id, schedule.nextRunAt!.getTime());
      expectAccountedFor(slots, schedule.missedRuns, firstSlot.get(id)!, downFrom.get(id)!);
      // While both workers were up, every slot ran, on time.
      expect(slots).toEqual(expect.arrayContaining(cronSlots(upAt, downFrom.get(id)!)));
    }
    // Stay down until the first two unrun slots are past the grace, whatever the start-up takes.
    const downUntil = Math.max(...downFrom.values()) + 2000 + GRACE_MS + 500;
    await new Promise((resolve) => setTimeout(resolve, downUntil - Date.now()));
    const restartedAt = Date.now();
    await start("down-a");
    const upAgainAt = await start("down-b");
    await waitFor(
      async () =>
        (await Promise.all(ids.map(taskSlots))).every((slots, index) => slots.filter((slot) => slot >= downFrom.get(ids[index]!)!).length >= 3 && slots.at(-1)! >= upAgainAt),
      { what: "slots fired after the restart", timeoutMs: 20_000 },
    );
    await Promise.all(ids.map((scheduleId) => setScheduleStatus(db, { userId, scheduleId, status: "paused" })));

    const [latestSlots, skipSlots, latestAfter, skipAfter] = await Promise.all([
      taskSlots(latest.id),
      taskSlots(skip.id),
      db.schedule.findUniqueOrThrow({ where: { id: latest.id } }),
      db.schedule.findUniqueOrThrow({ where: { id: skip.id } }),
    ]);
    /** Slots this far before the restart were missed, however long the start-up took. */
    const surelyMissed = (id: string) => cronSlots(downFrom.get(id)!, restartedAt - GRACE_MS);
    for (const id of ids) expect(surelyMissed(id).length).toBeGreaterThanOrEqual(2);

    // skip: no task for any slot of the downtime; each one counted.
    const skipUnrun = expectAccountedFor(skipSlots, skipAfter.missedRuns, firstSlot.get(skip.id)!, skipSlots.at(-1)! + 1);
    expect(skipUnrun).toEqual(expect.arrayContaining(surelyMissed(skip.id)));
    expect(skipAfter.lastMissedAt).toEqual(new Date(skipUnrun.at(-1)!));

    // run_latest: one task for the whole downtime, for its latest slot (or, when the first tick came
    // within the grace of a slot, for that on-time slot and no catch-up on top of it); the rest counted.
    const latestUnrun = expectAccountedFor(latestSlots, latestAfter.missedRuns, firstSlot.get(latest.id)!, latestSlots.at(-1)! + 1);
    const downtime = surelyMissed(latest.id);
    const runOnce = latestSlots.find((slot) => slot >= downFrom.get(latest.id)!)!;
    expect(runOnce).toBeGreaterThanOrEqual(downtime.at(-1)!);
    expect(latestUnrun).toEqual(expect.arrayContaining(downtime.filter((slot) => slot !== runOnce)));
    expect(latestSlots.filter((slot) => downtime.includes(slot)).length).toBeLessThanOrEqual(1);
    // The last slot counted as missed is the latest that did not run, or the one caught up after it.
    expect([latestUnrun.at(-1)!, latestUnrun.at(-1)! + 2000]).toContain(latestAfter.lastMissedAt!.getTime());

    // With both workers back, every slot runs on time again, once.
    for (const [index, slots] of [latestSlots, skipSlots].entries()) {
      expect(slots).toEqual(expect.arrayContaining(cronSlots(upAgainAt, slots.at(-1)! + 1)));
      expect(slots.filter((slot) => slot >= downFrom.get(ids[index]!)!).length).toBeGreaterThanOrEqual(3);
    }

    // Every task, including any a killed worker left half-done, completes.
    await waitFor(async () => (await db.task.count({ where: { scheduleId: { in: ids }, status: { not: "completed" } } })) === 0, {
      what: "every scheduled task completed",
    });
  });
});
