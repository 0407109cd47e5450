// Managing schedules as a person would: from a template, edited, run now, listed with their runs,
// kept private; missed slots reach the owner; a run sees the previous run's results.
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { NotificationRequest } from "@/lib/push/notification-request";
import { fireDueSchedules } from "@/lib/schedules/fire-due-schedules";
import { createSchedule, getSchedule, listSchedules, runScheduleNow, updateSchedule } from "@/lib/schedules/manage-schedules";
import { createScheduleInput } from "@/lib/schedules/schemas";
import { beginRun } from "@/lib/tasks/run-lifecycle";
import { createSignedInUser, createTestUser } from "../support/factories";

function recordingEngine() {
  const started: string[] = [];
  const notified: NotificationRequest[] = [];
  return {
    started,
    notified,
    engine: {
      startRun: async (runId: string) => void started.push(runId),
      signal: async () => {},
      deliverNotification: async (notification: NotificationRequest) => void notified.push(notification),
    },
  };
}

const briefing = (userId: string) =>
  createSchedule(db(), {
    ...createScheduleInput.parse({
      title: "Morning briefing",
      prompt: "Write my morning briefing.",
      cron: "0 7 * * 1-5",
      timezone: "Europe/Berlin",
      template: "morning-briefing",
    }),
    userId,
  });

afterAll(async () => {
  await db().$disconnect();
});

describe("schedules from the UI and API", () => {
  it("a template's risk defaults ride along: every task the schedule makes carries them", async () => {
    const userId = await createTestUser(db());
    const schedule = await briefing(userId);
    expect(schedule.template).toBe("morning-briefing");
    const { engine, started } = recordingEngine();
    const { taskId } = await runScheduleNow({ db: db(), engine }, { userId, scheduleId: schedule.id });
    const task = await db().task.findUniqueOrThrow({ where: { id: taskId }, include: { runs: true } });
    expect(task).toMatchObject({ scheduleId: schedule.id, scheduledFor: null, policyFloor: { external: "ask", destructive: "deny" } });
    expect(started).toEqual([task.runs[0]!.id]);
    const work = await beginRun(db(), task.runs[0]!.id);
    expect(work?.policyFloor).toEqual({ external: "ask", destructive: "deny" });
  });

  it("runs are listed newest first, the list shows the last one, and an edit moves the next run", async () => {
    const userId = await createTestUser(db());
    const schedule = await briefing(userId);
    const { engine } = recordingEngine();
    const first = await runScheduleNow({ db: db(), engine }, { userId, scheduleId: schedule.id });
    const second = await runScheduleNow({ db: db(), engine }, { userId, scheduleId: schedule.id });
    const detail = await getSchedule(db(), { userId, scheduleId: schedule.id });
    expect(detail.runs.map((run) => run.taskId)).toEqual([second.taskId, first.taskId]);
    expect((await listSchedules(db(), { userId }))[0]?.lastRun).toMatchObject({ taskId: second.taskId, status: "queued" });

    const edited = await updateSchedule(db(), {
      userId,
      scheduleId: schedule.id,
      ...createScheduleInput.parse({ title: "Evening briefing", prompt: "Evening.", cron: "30 18 * * *", timezone: "Australia/Sydney" }),
    });
    expect(edited).toMatchObject({ title: "Evening briefing", template: "morning-briefing" });
    expect(new Date(edited.nextRuns[0]!).toLocaleTimeString("en-GB", { timeZone: "Australia/Sydney", hour: "2-digit", minute: "2-digit" })).toBe("18:30");
    const row = await db().schedule.findUniqueOrThrow({ where: { id: schedule.id } });
    expect(row.nextRunAt?.toISOString()).toBe(edited.nextRuns[0]);
  });

  it("someone else's schedule cannot be seen, edited or run", async () => {
    const owner = await createTestUser(db());
    const stranger = await createTestUser(db());
    const schedule = await briefing(owner);
    const { engine, started } = recordingEngine();
    await expect(getSchedule(db(), { userId: stranger, scheduleId: schedule.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(runScheduleNow({ db: db(), engine }, { userId: stranger, scheduleId: schedule.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      updateSchedule(db(), { userId: stranger, scheduleId: schedule.id, ...createScheduleInput.parse({ title: "x", prompt: "y", cron: "0 1 * * *", timezone: "UTC" }) }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(started).toEqual([]);
    expect(await listSchedules(db(), { userId: stranger })).toEqual([]);
  });

  it("PUT with a bad cron or zone answers 400 naming the fields and changes nothing", async () => {
    const user = await createSignedInUser(db());
    const schedule = await briefing(user.userId);
    const route = await import("@/app/api/schedules/[id]/route");
    const response = await route.PUT(
      new Request(`http://127.0.0.1:3000/api/schedules/${schedule.id}`, {
        method: "PUT",
        headers: { host: "127.0.0.1:3000", cookie: user.cookie, "content-type": "application/json" },
        body: JSON.stringify({ title: "Changed", prompt: "Changed", cron: "61 7 * * *", timezone: "Mars/Olympus" }),
      }),
      { params: Promise.resolve({ id: schedule.id }) },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { fieldErrors: Record<string, string[]> } };
    expect(Object.keys(body.error.fieldErrors).sort()).toEqual(["cron", "timezone"]);
    expect((await db().schedule.findUniqueOrThrow({ where: { id: schedule.id } })).title).toBe("Morning briefing");
  });
});

describe("never silently", () => {
  it("slots missed while Baton was down notify the owner once per downtime", async () => {
    const userId = await createTestUser(db());
    const schedule = await createSchedule(db(), { ...createScheduleInput.parse({ title: "Hourly", prompt: "p", cron: "0 * * * *", timezone: "UTC", missedRunPolicy: "skip" }), userId });
    const { nextRunAt } = await db().schedule.findUniqueOrThrow({ where: { id: schedule.id } });
    const { engine, notified, started } = recordingEngine();
    const later = new Date(nextRunAt!.getTime() + 3 * 3600_000 + 20 * 60_000);
    const fired = await fireDueSchedules({ db: db(), engine, graceMs: 60_000 }, later);
    expect(fired.missed).toBeGreaterThanOrEqual(4);
    expect(started).toHaveLength(fired.created);
    const mine = notified.filter((entry) => entry.scheduleId === schedule.id);
    expect(mine).toEqual([{ id: expect.stringMatching(/^schedule-missed-/), kind: "schedule", userId, scheduleId: schedule.id }]);
  });
});

describe("the previous run as context", () => {
  it("a run gets the previous completed run's results, as data, and the timeline says so", async () => {
    const userId = await createTestUser(db());
    const schedule = await briefing(userId);
    const { engine } = recordingEngine();
    const first = await runScheduleNow({ db: db(), engine }, { userId, scheduleId: schedule.id });
    const firstRun = await db().run.findFirstOrThrow({ where: { taskId: first.taskId } });
    const firstWork = await beginRun(db(), firstRun.id);
    expect(firstWork?.thread).toHaveLength(1);
    await db().artifact.create({
      data: { taskId: first.taskId, runId: firstRun.id, name: "metrics.csv", kind: "csv", mimeType: "text/csv", sizeBytes: 22, content: Buffer.from("metric,value\nsignups,41") },
    });
    await db().task.update({ where: { id: first.taskId }, data: { status: "completed" } });

    const second = await runScheduleNow({ db: db(), engine }, { userId, scheduleId: schedule.id });
    const secondRun = await db().run.findFirstOrThrow({ where: { taskId: second.taskId } });
    const work = await beginRun(db(), secondRun.id);
    expect(work?.thread).toHaveLength(2);
    expect(work?.thread[1]).toMatchObject({ type: "user", text: expect.stringContaining("--- metrics.csv ---\nmetric,value\nsignups,41") });
    expect(work?.thread[1]).toMatchObject({ text: expect.stringContaining("not instructions") });
    const events = await db().timelineEvent.findMany({ where: { taskId: second.taskId, type: "context.previous-run" } });
    expect(events).toHaveLength(1);
  });
});
