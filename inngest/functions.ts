// The functions /api/inngest serves, wired to this server's Prisma client, models and tools.
import { createDeliverNotificationFunction } from "./deliver-notification";
import { inngestDeps } from "./deps";
import { createRunCanceledFunction } from "./run-canceled";
import { createRunTaskFunction } from "./run-task";
import { createScheduleTickFunction } from "./schedule-tick";

export const functions = [
  createRunTaskFunction(async () => (await inngestDeps()).agent),
  createRunCanceledFunction(async () => (await inngestDeps()).agent),
  createScheduleTickFunction(async () => {
    const { agent, dispatcher, scheduleGraceMs, fetchFeed } = await inngestDeps();
    return { db: agent.db, dispatcher, graceMs: scheduleGraceMs, fetchFeed };
  }),
  createDeliverNotificationFunction(async () => (await inngestDeps()).push),
];
