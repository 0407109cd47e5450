// Turns due schedule slots into tasks, exactly once per slot: a due schedule is claimed with
// FOR UPDATE SKIP LOCKED, its task inserted and its next slot set in one transaction, and
// (schedule, slot) is unique on tasks as a backstop. Any number of workers may tick at once.
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { insertTask } from "@/lib/tasks/create-task";
import { nextRunTimes } from "./schedule-time";

const MAX_SLOTS_PER_TICK = 1000;

/** `graceMs`: a slot fired later than this after its time counts as missed (Baton was down). */
export async function fireDueSchedules(
  deps: { db: Db; engine: TaskDispatcher; graceMs: number },
  now = new Date(),
): Promise<{ created: number; missed: number }> {
  const runIds: string[] = [];
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
        const { runId } = await insertTask(tx, {
          userId: schedule.userId,
          title: schedule.title,
          prompt: schedule.prompt,
          provider: schedule.provider,
          model: schedule.model,
          scheduleId: schedule.id,
          scheduledFor: slot,
        });
        runIds.push(runId);
      }
      missedTotal += missed;
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
  return { created: runIds.length, missed: missedTotal };
}
