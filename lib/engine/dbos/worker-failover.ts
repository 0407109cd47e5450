// Scale-out survives a worker's death. Every worker writes a heartbeat; a live worker that finds
// another silent for longer than deadAfterMs hands that worker's unfinished workflows back to the
// queue through DBOS's own recovery for its executor id, once (the heartbeat row is locked and
// marked), and the next free worker resumes them from their checkpoints. A worker that comes back
// finds nothing left to recover, so nothing runs twice.
import { hostname } from "node:os";
import { DBOSExecutor } from "@dbos-inc/dbos-sdk/internal/dbos-executor";
import { directSql, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { appendEvent } from "@/lib/tasks/timeline";

export interface FailoverOptions {
  db: Db;
  executorId: string;
  heartbeatMs: number;
  deadAfterMs: number;
  log?: (line: string) => void;
}

export async function beat(db: Db, executorId: string): Promise<void> {
  await db.$executeRaw`
    INSERT INTO workers (id, host, pid, started_at, seen_at) VALUES (${executorId}, ${hostname()}, ${process.pid}, now(), now())
    ON CONFLICT (id) DO UPDATE SET seen_at = now(), host = EXCLUDED.host, pid = EXCLUDED.pid, taken_over_at = NULL, taken_over_by = NULL`;
}

/** Takes over the runs of every worker silent for longer than deadAfterMs; returns their run ids. */
export async function takeOverDeadWorkers(options: Omit<FailoverOptions, "heartbeatMs">): Promise<string[]> {
  const { db, executorId, deadAfterMs } = options;
  // Asked every heartbeat, and nearly always no one is dead: one statement on the driver (lib/db.ts)
  // before the transaction that takes them over.
  const [silent] = await directSql(db).query<{ any: boolean }>(Prisma.sql`
    SELECT EXISTS (SELECT 1 FROM workers WHERE id <> ${executorId} AND taken_over_at IS NULL
      AND seen_at < now() - make_interval(secs => ${deadAfterMs / 1000})) AS any`);
  if (!silent?.any) return [];
  return db.$transaction(async (tx) => {
    const dead = await tx.$queryRaw<{ id: string; silent_ms: number }[]>`
      SELECT id, (EXTRACT(EPOCH FROM now() - seen_at) * 1000)::int AS silent_ms FROM workers
      WHERE id <> ${executorId} AND taken_over_at IS NULL AND seen_at < now() - make_interval(secs => ${deadAfterMs / 1000})
      FOR UPDATE SKIP LOCKED`;
    const taken: string[] = [];
    for (const worker of dead) {
      const handles = await DBOSExecutor.globalInstance!.recoverPendingWorkflows([worker.id]);
      const workflowIds = handles.map((handle) => handle.workflowID);
      await tx.worker.update({ where: { id: worker.id }, data: { takenOverAt: new Date(), takenOverBy: executorId } });
      const runs = await tx.run.findMany({ where: { id: { in: workflowIds } }, select: { id: true, taskId: true } });
      for (const run of runs) {
        await appendEvent(tx, {
          taskId: run.taskId,
          runId: run.id,
          type: "worker.taken-over",
          actor: "system",
          message: `Worker ${worker.id} stopped answering (silent ${Math.round(worker.silent_ms / 1000)} s); ${executorId} put this run back on the queue`,
          data: { deadWorker: worker.id, by: executorId },
        });
      }
      options.log?.(`${worker.id} has been silent for ${Math.round(worker.silent_ms / 1000)} s: took over ${workflowIds.length} unfinished workflow(s)`);
      taken.push(...runs.map((run) => run.id));
    }
    return taken;
  });
}

/** Says so on the timeline when a run's workflow resumes on another worker than the one that ran it before. */
export async function noteResumption(db: Db, params: { work: { runId: string; taskId: string }; previousExecutor: string; executorId: string }): Promise<void> {
  const { work, previousExecutor, executorId } = params;
  if (previousExecutor === executorId) return;
  await appendEvent(db, {
    taskId: work.taskId,
    runId: work.runId,
    type: "worker.resumed",
    actor: "system",
    message: `Resumed on worker ${executorId} after ${previousExecutor} stopped`,
    data: { from: previousExecutor, to: executorId },
  });
}

/** Heartbeats and the watch for dead workers, on timers, until stopped. */
export async function startFailover(options: FailoverOptions): Promise<{ stop(): void }> {
  await beat(options.db, options.executorId);
  const warn = (what: string) => (error: unknown) => options.log?.(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  const heartbeat = setInterval(() => beat(options.db, options.executorId).catch(warn("heartbeat")), options.heartbeatMs);
  let watching = false;
  const watch = setInterval(async () => {
    if (watching) return;
    watching = true;
    await takeOverDeadWorkers(options)
      .catch(warn("watch for dead workers"))
      .finally(() => (watching = false));
  }, options.heartbeatMs);
  return {
    stop() {
      clearInterval(heartbeat);
      clearInterval(watch);
    },
  };
}
