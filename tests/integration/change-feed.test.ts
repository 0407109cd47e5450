// The live change feed against real Postgres: task and timeline writes reach their owner's open
// streams without any NOTIFY on the write side, including a transaction that took its event id
// first and committed last (the case a plain "id > last id" cursor would skip).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { changeFeed, type FeedMessage } from "@/lib/live/change-feed";
import { CHANGES_CHANNEL } from "@/lib/live/changes";
import { createTestUser } from "../support/factories";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

let database: TestDatabase;
let db: Db;
let owner: string;
let stranger: string;
const heard = { owner: [] as FeedMessage[], stranger: [] as FeedMessage[] };
const unsubscribes: Array<() => void> = [];

beforeAll(async () => {
  // A database of its own: other files' writes and notifications must not reach this one's feed.
  database = await testDatabase("change-feed");
  process.env.DATABASE_URL = database.url;
  db = createDb(database.url);
  owner = await createTestUser(db, "Owner");
  stranger = await createTestUser(db, "Stranger");
  unsubscribes.push(changeFeed().subscribe(owner, (batch) => heard.owner.push(...batch)));
  unsubscribes.push(changeFeed().subscribe(stranger, (batch) => heard.stranger.push(...batch)));
  await changeFeed().ready();
});
afterAll(async () => {
  for (const unsubscribe of unsubscribes) unsubscribe();
  await db.$disconnect();
  await database.destroy();
});

const createTask = (userId: string, title: string) =>
  db.task.create({ data: { userId, title, prompt: "Say hello.", provider: "demo", model: "demo", runAt: new Date(Date.now() + 86_400_000) } });

const heardEvent = (messages: FeedMessage[], eventId: bigint) =>
  messages.some((message) => message.kind === "event" && message.eventId === eventId.toString());

describe("change feed", () => {
  it("delivers a task's creation, status change and timeline event to its owner only", async () => {
    const task = await createTask(owner, "Feed: owner's task");
    await waitFor(async () => heard.owner.some((message) => message.kind === "task" && message.taskId === task.id && message.status === "queued"), { what: "the new task" });

    await db.task.update({ where: { id: task.id }, data: { status: "canceled" } });
    const event = await db.timelineEvent.create({ data: { taskId: task.id, type: "status", actor: "user", message: "Canceled." } });
    await waitFor(async () => heardEvent(heard.owner, event.id), { what: "the timeline event" });
    const update = heard.owner.find((message) => message.kind === "task" && message.taskId === task.id && message.status === "canceled");
    expect(update).toMatchObject({ title: "Feed: owner's task", userId: owner });

    // The stranger's subscription was polled in the same statements and heard nothing of it.
    expect(heard.stranger.filter((message) => "taskId" in message && message.taskId === task.id)).toEqual([]);
  });

  it("announces every state a task passed through, even two written before the feed looked", async () => {
    // One transaction: both versions become visible to the feed at once.
    const task = await db.$transaction(async (tx) => {
      const created = await tx.task.create({ data: { userId: owner, title: "Feed: quick start", prompt: "Say hello.", provider: "demo", model: "demo" } });
      await tx.task.update({ where: { id: created.id }, data: { status: "running" } });
      return created;
    });
    const statuses = () => heard.owner.flatMap((message) => (message.kind === "task" && message.taskId === task.id ? [message.status] : []));
    await waitFor(async () => statuses().includes("running"), { what: "the running state" });
    expect(statuses()).toEqual(["queued", "running"]);
  });

  it("hands every stream of a user the same batch, a transaction's changes together", async () => {
    const batches: Array<readonly FeedMessage[]> = [];
    const other: Array<readonly FeedMessage[]> = [];
    const stop = [changeFeed().subscribe(owner, (batch) => batches.push(batch)), changeFeed().subscribe(owner, (batch) => other.push(batch))];
    try {
      const task = await db.$transaction(async (tx) => {
        const created = await tx.task.create({ data: { userId: owner, title: "Feed: one batch", prompt: "Say hello.", provider: "demo", model: "demo" } });
        await tx.timelineEvent.create({ data: { taskId: created.id, type: "status", actor: "system", message: "Queued." } });
        return created;
      });
      const names = (batch: readonly FeedMessage[]) => batch.some((message) => "taskId" in message && message.taskId === task.id);
      await waitFor(async () => batches.some(names), { what: "the batch with the new task" });
      const batch = batches.find(names)!;
      expect(batch.map((message) => message.kind)).toEqual(expect.arrayContaining(["task", "event"]));
      // The same array, not a copy: a stream frames it once for all the user's streams.
      expect(other).toContain(batch);
    } finally {
      for (const unsubscribe of stop) unsubscribe();
    }
  });

  it("delivers an event whose transaction committed after a later one's", async () => {
    const task = await createTask(owner, "Feed: out of order");
    const early = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await early.connect();
    try {
      await early.query("BEGIN");
      const first = await early.query<{ id: string }>(
        `INSERT INTO "timeline_events" ("task_id", "type", "actor", "message") VALUES ($1, 'note', 'agent', 'took its id first') RETURNING "id"`,
        [task.id],
      );
      const late = await db.timelineEvent.create({ data: { taskId: task.id, type: "note", actor: "agent", message: "committed first" } });
      expect(late.id).toBeGreaterThan(BigInt(first.rows[0]!.id));
      // The feed has moved past the later event while the earlier one is still uncommitted.
      await waitFor(async () => heardEvent(heard.owner, late.id), { what: "the later event" });
      expect(heardEvent(heard.owner, BigInt(first.rows[0]!.id))).toBe(false);

      await early.query("COMMIT");
      await waitFor(async () => heardEvent(heard.owner, BigInt(first.rows[0]!.id)), { what: "the earlier event, committed last" });
    } finally {
      await early.end();
    }
  });

  it("puts no notification in the writing transactions", async () => {
    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const notifications: string[] = [];
    listener.on("notification", (notification) => notifications.push(notification.payload ?? ""));
    await listener.connect();
    try {
      await listener.query(`LISTEN ${CHANGES_CHANNEL}`);
      const task = await createTask(owner, "Feed: no notify");
      await db.task.update({ where: { id: task.id }, data: { status: "canceled" } });
      const event = await db.timelineEvent.create({ data: { taskId: task.id, type: "status", actor: "user", message: "Canceled." } });
      await waitFor(async () => heardEvent(heard.owner, event.id), { what: "the event through the feed" });
      // A round trip: Postgres hands a listener what was queued for it before answering.
      await listener.query("SELECT 1");
      expect(notifications).toEqual([]);
    } finally {
      await listener.end();
    }
  });
});
