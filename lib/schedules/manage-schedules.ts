// Schedules of one user: create, list, pause, resume, delete. Every query is scoped by userId.
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Schedule } from "@/lib/generated/prisma/client";
import { resolveModelChoice } from "@/lib/tasks/create-task";
import { z } from "zod";
import { nextRunTimes } from "./schedule-time";
import type { CreateScheduleInput } from "./schemas";

export interface ScheduleView {
  id: string;
  title: string;
  prompt: string;
  cron: string;
  timezone: string;
  missedRunPolicy: string;
  status: Schedule["status"];
  provider: string;
  model: string;
  /** The next five times it fires (empty while paused). */
  nextRuns: string[];
  /** Slots not run because Baton was down (per the missed-run policy). */
  missedRuns: number;
  lastMissedAt: string | null;
}

function toView(schedule: Schedule, now = new Date()): ScheduleView {
  const nextRuns = schedule.status === "active" ? nextRunTimes(schedule, new Date(now.getTime() - 1), 5) : [];
  return {
    id: schedule.id,
    title: schedule.title,
    prompt: schedule.prompt,
    cron: schedule.cron,
    timezone: schedule.timezone,
    missedRunPolicy: schedule.missedRunPolicy,
    status: schedule.status,
    provider: schedule.provider,
    model: schedule.model,
    nextRuns: nextRuns.map((date) => date.toISOString()),
    missedRuns: schedule.missedRuns,
    lastMissedAt: schedule.lastMissedAt?.toISOString() ?? null,
  };
}

export async function createSchedule(db: Db, params: CreateScheduleInput & { userId: string }): Promise<ScheduleView> {
  const choice = resolveModelChoice(params);
  const [nextRunAt] = nextRunTimes(params, new Date(), 1);
  const schedule = await db.schedule.create({
    data: {
      userId: params.userId,
      title: params.title,
      prompt: params.prompt,
      cron: params.cron,
      timezone: params.timezone,
      missedRunPolicy: params.missedRunPolicy,
      provider: choice.provider,
      model: choice.model,
      nextRunAt: nextRunAt ?? null,
    },
  });
  return toView(schedule);
}

export async function listSchedules(db: Db, params: { userId: string }): Promise<ScheduleView[]> {
  const schedules = await db.schedule.findMany({ where: { userId: params.userId }, orderBy: { createdAt: "desc" } });
  const now = new Date();
  return schedules.map((schedule) => toView(schedule, now));
}

/** Paused schedules fire nothing; resuming starts from the next slot after now (no catch-up). */
export async function setScheduleStatus(db: Db, params: { userId: string; scheduleId: string; status: "active" | "paused" }): Promise<ScheduleView> {
  const schedule = await findOrThrow(db, params);
  const nextRunAt = params.status === "active" ? (nextRunTimes(schedule, new Date(), 1)[0] ?? null) : null;
  return toView(await db.schedule.update({ where: { id: schedule.id }, data: { status: params.status, nextRunAt } }));
}

/** Deletes the schedule; the tasks it created stay, unlinked. */
export async function deleteSchedule(db: Db, params: { userId: string; scheduleId: string }): Promise<void> {
  const schedule = await findOrThrow(db, params);
  await db.schedule.delete({ where: { id: schedule.id } });
}

async function findOrThrow(db: Db, params: { userId: string; scheduleId: string }): Promise<Schedule> {
  const notFound = new AppError("NOT_FOUND", { message: "No such schedule." });
  if (!z.uuid().safeParse(params.scheduleId).success) throw notFound;
  const schedule = await db.schedule.findFirst({ where: { id: params.scheduleId, userId: params.userId } });
  if (!schedule) throw notFound;
  return schedule;
}
