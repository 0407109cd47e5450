// Turns due schedule slots into tasks, exactly once per slot: a due schedule is claimed with
// FOR UPDATE SKIP LOCKED, its task inserted and its next slot set in one transaction, and
// (schedule, slot) is unique on tasks as a backstop. Any number of workers may tick at once.
import { directSql, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { TaskDispatcher } from "@/lib/engine/port";
import { insertTask } from "@/lib/tasks/create-task";
import { scheduledTask } from "./manage-schedules";
import { nextRunTimes } from "./schedule-time";

const MAX_SLOTS_PER_TICK = 1000;

/** `graceMs`: a slot fired later than this after its time counts as missed (Baton was down). */
export async function fireDueSchedules(
  deps: { db: Db; engine: TaskDispatcher; graceMs: number },
  now = new Date(),
): Promise<{ created: number; missed: number }> {
  // Every worker asks every second and the answer is nearly always no: one statement on the driver
  // (lib/db.ts) rather than a transaction; the transaction claims what is due, if anything is.
  const [due] = await directSql(deps.db).query<{ any: boolean }>(
    Prisma.sql`SELECT EXISTS (SELECT 1 FROM schedules WHERE status = 'active' AND next_run_at <= ${now}) AS any`,
  );
  if (!due?.any) return { created: 0, missed: 0 };
  const runIds: string[] = [];
  const missedBy: Array<{ scheduleId: string; userId: string; lastMissed: Date }> = [];
  let missedTotal = 0;
  await deps.db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM schedules WHERE status = 'active' AND next_run_at <= ${now}
      ORDER BY next_run_at LIMIT 50 FOR UPDATE SKIP LOCKED`;
    for (const { id } of due) {
      const schedule = await tx.schedule.findUniqueOrThrow({ where: { id } });
      const slots = [schedule.nextRunAt!, ...nextRunTimes(schedule, schedule.nextRunAt!, MAX_SLOTS_PER_TICK)].filter((slot) => slot <= now);
      const onTime = slots.filter((slot) => now.getTime() - slot.getTime() <= deps.graceMs);
      const late = slots.filter((slot) => now.getTime() - slot.getTime() > deps.graceMs);
      // After downtime, "run_latest" runs the latest missed slot once (unless one is due anyway).
      const catchUp = schedule.missedRunPolicy === "run_latest" && onTime.length === 0 ? late.slice(-1) : [];
      const missed = late.length - catchUp.length;
      for (const slot of [...catchUp, ...onTime]) {
        const { runId } = await insertTask(tx, scheduledTask(schedule, slot));
        runIds.push(runId);
      }
      missedTotal += missed;
      if (missed > 0) missedBy.push({ scheduleId: schedule.id, userId: schedule.userId, lastMissed: late.at(-1)! });
      await tx.schedule.update({
        where: { id: schedule.id },
        data: {
          nextRunAt: nextRunTimes(schedule, now, 1)[0] ?? null,
          ...(missed > 0 ? { missedRuns: { increment: missed }, lastMissedAt: late.at(-1) } : {}),
        },
      });
    }
  });
  for (const runId of runIds) {
    await deps.engine.startRun(runId).catch(() => undefined); // the worker's sweep starts it otherwise
  }
  // A schedule never skips silently: its owner hears about missed slots (the page shows them too).
  for (const entry of missedBy) {
    const notification = { id: `schedule-missed-${entry.scheduleId}-${entry.lastMissed.getTime()}`, kind: "schedule" as const, userId: entry.userId, scheduleId: entry.scheduleId };
    await deps.engine.deliverNotification(notification).catch(() => undefined);
  }
  return { created: runIds.length, missed: missedTotal };
}
