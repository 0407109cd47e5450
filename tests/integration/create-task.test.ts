// createTask and insertTask write a task, its first run and its "created" event in one statement:
// what they return and what they leave in the database are what Prisma's creates used to give.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CHOICE } from "@/lib/agent/providers/registry";
import { createDb, type Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { createTask, insertTask } from "@/lib/tasks/create-task";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

let database: TestDatabase;
let db: Db;
/** An engine started after the commit: what createTask asked of it, and nothing else runs. */
const started: Array<{ runId: string; delayMs: number | undefined }> = [];
const engine: TaskDispatcher = {
  startRun: async (runId, options) => void started.push({ runId, delayMs: options?.delayMs }),
  signal: async () => undefined,
  deliverNotification: async () => undefined,
};
const DEMO = { provider: DEMO_CHOICE.provider, model: DEMO_CHOICE.model };

beforeAll(async () => {
  // Its own database: these tasks are never started, and another file's worker would start them.
  database = await testDatabase("create-task");
  db = createDb(database.url);
});

afterAll(async () => {
  await db?.$disconnect();
  await database?.destroy();
});

const firstRun = (taskId: string) => db.run.findFirstOrThrow({ where: { taskId } });
const eventsOf = (taskId: string) => db.timelineEvent.findMany({ where: { taskId }, orderBy: { id: "asc" } });

describe("createTask", () => {
  it("returns and stores every field the person set, with a queued first run, a created event and a delayed start", async () => {
    const userId = await createTestUser(db);
    const runAt = new Date(Date.now() + 3_600_000);
    const { task, created } = await createTask(
      { db, engine },
      { userId, title: "Weekly report", prompt: "Summarise the week.", ...DEMO, runAt, budgetTokens: 5000, budgetUsd: 1.25, planFirst: true, browserOrigins: ["https://portal.example.com"], policyFloor: { external: "ask" } },
    );

    expect(created).toBe(true);
    expect(task).toMatchObject({ title: "Weekly report", status: "queued", scheduled: true, fromSchedule: false, parentTaskId: null, runAt: runAt.toISOString(), ...DEMO });
    const stored = await db.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(stored).toMatchObject({ userId, budgetTokens: 5000, planFirst: true, browserOrigins: ["https://portal.example.com"], policyFloor: { external: "ask" }, subtaskDepth: 0 });
    expect(stored.budgetUsd?.toString()).toBe("1.25");
    expect(stored.createdAt.toISOString()).toBe(task.createdAt);
    expect(stored.updatedAt.toISOString()).toBe(task.updatedAt);
    const run = await firstRun(task.id);
    expect(run).toMatchObject({ number: 1, status: "queued", ...DEMO });
    expect(await eventsOf(task.id)).toMatchObject([
      { runId: run.id, type: "task.created", actor: "user", message: "Created; scheduled to start later", data: { ...DEMO, runAt: runAt.toISOString() } },
    ]);
    const start = started.find((entry) => entry.runId === run.id);
    expect(start?.delayMs).toBeGreaterThan(3_590_000);
  });

  it("takes the schema's defaults for what the person left out: no budget, no origins, no floor", async () => {
    const userId = await createTestUser(db);
    const { task } = await createTask({ db, engine }, { userId, title: "Plain", prompt: "Do it.", ...DEMO });

    expect(task).toMatchObject({ runAt: null, scheduled: false });
    expect(await db.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({
      budgetTokens: null,
      budgetUsd: null,
      planFirst: false,
      browserOrigins: [],
      policyFloor: null,
      idempotencyKey: null,
      scheduleId: null,
      statusReason: null,
    });
    expect(await eventsOf(task.id)).toMatchObject([{ actor: "user", message: "Created", data: { ...DEMO, runAt: null } }]);
  });

  it("gives tasks time-ordered UUIDv7 ids, so the newest is first by id", async () => {
    const userId = await createTestUser(db);
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) ids.push((await createTask({ db, engine }, { userId, title: `Task ${n}`, prompt: "Go.", ...DEMO })).task.id);

    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const newestFirst = await db.task.findMany({ where: { userId }, orderBy: { id: "desc" }, select: { id: true } });
    expect(newestFirst.map((task) => task.id)).toEqual(ids.toReversed());
  });

  it("returns the first task when a request with the same Idempotency-Key commits while this one is inserting", async () => {
    const userId = await createTestUser(db);
    const key = `key-${userId}`;
    let commitFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    let firstTaskId = "";
    // The first request's insert is done but not committed when the second one looks the key up.
    const first = db.$transaction(async (tx) => {
      firstTaskId = (await insertTask(tx, { userId, title: "First", prompt: "Go.", ...DEMO, idempotencyKey: key })).task.id;
      await firstMayCommit;
    });
    await waitFor(async () => firstTaskId !== "");
    const second = createTask({ db, engine }, { userId, title: "Second", prompt: "Go.", ...DEMO, idempotencyKey: key });
    // The second insert waits on the first's unique key; once the first commits it fails on it.
    await waitFor(async () => {
      const [row] = await db.$queryRaw<{ waiting: bigint }[]>`
        SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO tasks%'`;
      return row!.waiting > 0n;
    });
    commitFirst();
    await first;

    const result = await second;
    expect(result).toMatchObject({ created: false, task: { id: firstTaskId, title: "First" } });
    expect(await db.task.count({ where: { userId } })).toBe(1);
  });
});

describe("insertTask", () => {
  it("says who created a sub-task and a schedule's task, and returns the task as Prisma reads it", async () => {
    const userId = await createTestUser(db);
    const { task: parent } = await createTask({ db, engine }, { userId, title: "Parent", prompt: "Split it.", ...DEMO });
    const schedule = await db.schedule.create({ data: { userId, title: "Daily", prompt: "Check.", cron: "0 7 * * *", timezone: "UTC", missedRunPolicy: "skip", ...DEMO } });
    const slot = new Date("2026-12-05T07:00:00.000Z");

    const subtask = await db.$transaction((tx) =>
      insertTask(tx, { userId, title: "Child", prompt: "Half.", ...DEMO, parentTaskId: parent.id, subtaskDepth: 1, policyFloor: { push: "ask" } }),
    );
    const scheduled = await db.$transaction((tx) => insertTask(tx, { userId, title: "Daily", prompt: "Check.", ...DEMO, scheduleId: schedule.id, scheduledFor: slot }));

    expect(subtask.task).toEqual(await db.task.findUniqueOrThrow({ where: { id: subtask.task.id } }));
    expect(scheduled.task).toEqual(await db.task.findUniqueOrThrow({ where: { id: scheduled.task.id } }));
    expect(scheduled.task.scheduledFor).toEqual(slot);
    expect((await firstRun(subtask.task.id)).id).toBe(subtask.runId);
    expect(await eventsOf(subtask.task.id)).toMatchObject([{ runId: subtask.runId, actor: "agent", message: "Created as a sub-task by its parent's agent" }]);
    expect(await eventsOf(scheduled.task.id)).toMatchObject([{ runId: scheduled.runId, actor: "system", message: "Created by its schedule" }]);
  });

  it("writes nothing when the transaction it is in rolls back", async () => {
    const userId = await createTestUser(db);
    let taskId = "";
    await expect(
      db.$transaction(async (tx) => {
        taskId = (await insertTask(tx, { userId, title: "Doomed", prompt: "Go.", ...DEMO })).task.id;
        throw new Error("the caller's next write failed");
      }),
    ).rejects.toThrow("the caller's next write failed");

    expect(await db.task.count({ where: { id: taskId } })).toBe(0);
    expect(await db.run.count({ where: { taskId } })).toBe(0);
    expect(await db.timelineEvent.count({ where: { taskId } })).toBe(0);
  });
});
