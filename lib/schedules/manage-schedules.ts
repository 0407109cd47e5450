// Schedules of one user: create, edit, list, show, pause, resume, run now, delete. Every query is
// scoped by userId.
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { AppError } from "@/lib/errors";
import type { Prisma, Schedule, TaskStatus } from "@/lib/generated/prisma/client";
import { insertTask, resolveModelChoice } from "@/lib/tasks/create-task";
import { nextRunTimes } from "./schedule-time";
import type { CreateScheduleInput, UpdateScheduleInput } from "./schemas";
import { findTemplate } from "./templates";
import { assertId } from "@/lib/validation/ids";

export interface ScheduleRun {
  taskId: string;
  status: TaskStatus;
  /** The slot it ran for; null for a run-now. */
  scheduledFor: string | null;
  createdAt: string;
}

export interface ScheduleView {
  id: string;
  title: string;
  prompt: string;
  cron: string;
  timezone: string;
  missedRunPolicy: string;
  planFirst: boolean;
  status: Schedule["status"];
  provider: string;
  model: string;
  template: string | null;
  /** The next five times it fires (empty while paused). */
  nextRuns: string[];
  /** Slots not run because Baton was down (per the missed-run policy). */
  missedRuns: number;
  lastMissedAt: string | null;
  lastRun: ScheduleRun | null;
}

const runSelect = { id: true, status: true, scheduledFor: true, createdAt: true } as const;
type RunRow = { id: string; status: TaskStatus; scheduledFor: Date | null; createdAt: Date };
const toRun = (row: RunRow): ScheduleRun => ({
  taskId: row.id,
  status: row.status,
  scheduledFor: row.scheduledFor?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

function toView(schedule: Schedule, lastRun: RunRow | undefined, now = new Date()): ScheduleView {
  const nextRuns = schedule.status === "active" ? nextRunTimes(schedule, new Date(now.getTime() - 1), 5) : [];
  return {
    id: schedule.id,
    title: schedule.title,
    prompt: schedule.prompt,
    cron: schedule.cron,
    timezone: schedule.timezone,
    missedRunPolicy: schedule.missedRunPolicy,
    planFirst: schedule.planFirst,
    status: schedule.status,
    provider: schedule.provider,
    model: schedule.model,
    template: schedule.template,
    nextRuns: nextRuns.map((date) => date.toISOString()),
    missedRuns: schedule.missedRuns,
    lastMissedAt: schedule.lastMissedAt?.toISOString() ?? null,
    lastRun: lastRun ? toRun(lastRun) : null,
  };
}

/** What the form edits, with the model choice resolved against the configured providers. */
async function editableFields(db: Db, params: UpdateScheduleInput) {
  const choice = await resolveModelChoice(db, params);
  const { title, prompt, cron, timezone, missedRunPolicy, planFirst } = params;
  return { title, prompt, cron, timezone, missedRunPolicy, planFirst, provider: choice.provider, model: choice.model };
}

export async function createSchedule(db: Db, params: CreateScheduleInput & { userId: string }): Promise<ScheduleView> {
  const [nextRunAt] = nextRunTimes(params, new Date(), 1);
  const template = params.template ? findTemplate(params.template) : undefined;
  const schedule = await db.schedule.create({
    data: {
      userId: params.userId,
      ...(await editableFields(db, params)),
      nextRunAt: nextRunAt ?? null,
      template: template?.id ?? null,
      policyFloor: template ? (template.policyFloor as Prisma.InputJsonValue) : undefined,
    },
  });
  return toView(schedule, undefined);
}

/** Replaces the editable fields; a new time or zone takes effect from the next slot after now. */
export async function updateSchedule(db: Db, params: UpdateScheduleInput & { userId: string; scheduleId: string }): Promise<ScheduleView> {
  const schedule = await findOrThrow(db, params);
  const nextRunAt = schedule.status === "active" ? (nextRunTimes(params, new Date(), 1)[0] ?? null) : null;
  const updated = await db.schedule.update({ where: { id: schedule.id }, data: { ...(await editableFields(db, params)), nextRunAt } });
  return toView(updated, await lastRunOf(db, schedule.id));
}

export async function listSchedules(db: Db, params: { userId: string }): Promise<ScheduleView[]> {
  const schedules = await db.schedule.findMany({
    where: { userId: params.userId },
    orderBy: { createdAt: "desc" },
    include: { tasks: { orderBy: { createdAt: "desc" }, take: 1, select: runSelect } },
  });
  const now = new Date();
  return schedules.map((schedule) => toView(schedule, schedule.tasks[0], now));
}

/** One schedule with its runs, newest first. */
export async function getSchedule(db: Db, params: { userId: string; scheduleId: string; runs?: number }): Promise<ScheduleView & { runs: ScheduleRun[] }> {
  const schedule = await findOrThrow(db, params);
  const runs = await db.task.findMany({
    where: { scheduleId: schedule.id, userId: params.userId },
    orderBy: { createdAt: "desc" },
    take: params.runs ?? 50,
    select: runSelect,
  });
  return { ...toView(schedule, runs[0]), runs: runs.map(toRun) };
}

/** Paused schedules fire nothing; resuming starts from the next slot after now (no catch-up). */
export async function setScheduleStatus(db: Db, params: { userId: string; scheduleId: string; status: "active" | "paused" }): Promise<ScheduleView> {
  const schedule = await findOrThrow(db, params);
  const nextRunAt = params.status === "active" ? (nextRunTimes(schedule, new Date(), 1)[0] ?? null) : null;
  const updated = await db.schedule.update({ where: { id: schedule.id }, data: { status: params.status, nextRunAt } });
  return toView(updated, await lastRunOf(db, schedule.id));
}

/** A run outside the timetable, now; the schedule's slots are not affected. */
export async function runScheduleNow(deps: { db: Db; engine: TaskDispatcher }, params: { userId: string; scheduleId: string }): Promise<{ taskId: string }> {
  const schedule = await findOrThrow(deps.db, params);
  const { task, runId } = await deps.db.$transaction((tx) => insertTask(tx, scheduledTask(schedule, null)));
  await deps.engine.startRun(runId).catch(() => undefined); // the worker's sweep starts it otherwise
  return { taskId: task.id };
}

/** The task a schedule creates for a slot (null: a run-now), carrying the template's risk defaults. */
export function scheduledTask(schedule: Schedule, slot: Date | null) {
  return {
    userId: schedule.userId,
    title: schedule.title,
    prompt: schedule.prompt,
    provider: schedule.provider,
    model: schedule.model,
    scheduleId: schedule.id,
    scheduledFor: slot,
    policyFloor: schedule.policyFloor ?? undefined,
    planFirst: schedule.planFirst,
  };
}

/** Deletes the schedule; the tasks it created stay, unlinked. */
export async function deleteSchedule(db: Db, params: { userId: string; scheduleId: string }): Promise<void> {
  const schedule = await findOrThrow(db, params);
  await db.schedule.delete({ where: { id: schedule.id } });
}

function lastRunOf(db: Db, scheduleId: string): Promise<RunRow | undefined> {
  return db.task.findFirst({ where: { scheduleId }, orderBy: { createdAt: "desc" }, select: runSelect }).then((row) => row ?? undefined);
}

async function findOrThrow(db: Db, params: { userId: string; scheduleId: string }): Promise<Schedule> {
  const notFound = new AppError("NOT_FOUND", { message: "No such schedule." });
  assertId(params.scheduleId, () => notFound);
  const schedule = await db.schedule.findFirst({ where: { id: params.scheduleId, userId: params.userId } });
  if (!schedule) throw notFound;
  return schedule;
}
