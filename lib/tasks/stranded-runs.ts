import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";

/**
 * Queued runs whose start may never have reached the engine (the web process died between
 * committing the task and enqueueing it, or the engine was unreachable). Starting a run is
 * idempotent per run id, so sweeping one that is already enqueued changes nothing.
 */
export async function startStrandedRuns(db: Db, engine: TaskDispatcher, options: { olderThanMs: number; limit: number }): Promise<number> {
  const runs = await db.run.findMany({
    where: {
      status: "queued",
      createdAt: { lt: new Date(Date.now() - options.olderThanMs) },
      // A run scheduled for later was enqueued with its delay; it is not stranded before its time.
      task: { status: "queued", OR: [{ runAt: null }, { runAt: { lt: new Date(Date.now() - options.olderThanMs) } }] },
    },
    orderBy: { createdAt: "asc" },
    take: options.limit,
    select: { id: true, task: { select: { runAt: true } } },
  });
  for (const run of runs) {
    const delayMs = run.task.runAt ? run.task.runAt.getTime() - Date.now() : 0;
    await engine.startRun(run.id, { delayMs });
  }
  return runs.length;
}
