// The one place a task changes status. The update is conditional on the current status, so two
// racing writers (a cancel and a completing worker) cannot both win, and every change appends a
// timeline event in the same transaction.
import type { DbTx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";
import type { Actor } from "./timeline";
import { STATUS_LABELS, statusesLeadingTo, type TaskStatus } from "./status";

export interface TransitionParams {
  taskId: string;
  /** When set, only this user's task may move (user-initiated changes). */
  userId?: string;
  /** The run the change belongs to; its status follows the task's. */
  runId?: string;
  to: TaskStatus;
  actor: Actor;
  reason?: string;
}

const eventMessages: Record<TaskStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting_approval: "Waiting for approval",
  completed: "Completed",
  failed: "Failed",
  canceled: "Canceled",
};

const refusalVerbs: Partial<Record<TaskStatus, string>> = { canceled: "canceled", queued: "retried" };

export async function transitionTask(tx: DbTx, params: TransitionParams): Promise<void> {
  const [result] = await tx.$queryRaw<{ moved: bigint }[]>`
    WITH ${transitionSteps({ ...params, task: Prisma.sql`${params.taskId}::uuid` })} SELECT count(*) AS moved FROM moved`;
  if (Number(result?.moved ?? 0) === 0) throw await refusedTransition(tx, params);
}

/** Why a task did not move: it is not there (for this user), or its status does not lead there. */
export async function refusedTransition(tx: DbTx, params: Pick<TransitionParams, "taskId" | "userId" | "to">): Promise<AppError> {
  const { taskId, userId, to } = params;
  const current = await tx.task.findFirst({ where: { id: taskId, ...(userId ? { userId } : {}) }, select: { status: true } });
  if (!current) return new AppError("NOT_FOUND", { message: "No such task." });
  const verb = refusalVerbs[to] ?? `moved to ${STATUS_LABELS[to].toLowerCase()}`;
  return new AppError("CONFLICT", { message: `This task is ${STATUS_LABELS[current.status].toLowerCase()}, so it can't be ${verb}.` });
}

// The status event's place after every event written with it (the insert orders by it).
const LAST_EVENT = 2_147_483_647;

/** What a run's end writes in its status change's statement. */
export interface TransitionExtras {
  /** Tokens and cost to add to the run as it moves (its last model turn, recorded with its end). */
  runSpend?: { inputTokens: number; outputTokens: number; costUsd: number };
  /**
   * Events written just before the status event, in order, by the same insert (so the timeline
   * reads "Saved answer.md", then "Completed"): a SELECT of (ord, type, actor, message, data,
   * step_key), ordered by ord (an int).
   * A step key already written for the run is skipped.
   */
  eventsBefore?: Prisma.Sql;
  /** The status event's step key: a step that records itself finds its own earlier move by it. */
  statusStepKey?: string;
  /** More assignments for the run's row as it moves (", column = value ..."). */
  runSet?: Prisma.Sql;
  /** More conditions on the task's row (`tasks` columns), rechecked on its latest version when another writer held it. */
  onlyIf?: Prisma.Sql;
  /** WITH items written only if the task moved, between `moved` and the run and events (which may read them). */
  withMove?: Prisma.Sql;
}

/**
 * The status change as the WITH items `moved` (the task's id, when it moved), `moved_run` and
 * `moved_event`, for a caller that writes more in the same statement (a run's start). `task` is an
 * SQL expression for the task's id; nothing moves when it is null.
 */
export function transitionSteps(params: Omit<TransitionParams, "taskId"> & TransitionExtras & { task: Prisma.Sql; now?: Date }): Prisma.Sql {
  const { task, userId, runId, to, actor, reason } = params;
  const spend = params.runSpend ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const now = params.now ?? new Date();
  const ends = to === "completed" || to === "failed" || to === "canceled";
  const message = reason ? `${eventMessages[to]}: ${reason}` : eventMessages[to];
  // One statement for the task, its run and the event (every task moves at least twice, and each
  // statement is a round trip): the run and the event are written only if the task moved.
  return Prisma.sql`
    moved AS (
      UPDATE tasks SET status = ${to}::"TaskStatus", status_reason = ${reason ?? null}, updated_at = ${now}
       WHERE id = ${task} AND (${userId ?? null}::uuid IS NULL OR user_id = ${userId ?? null}::uuid)
         AND status = ANY(${statusesLeadingTo(to)}::"TaskStatus"[]) ${params.onlyIf ? Prisma.sql`AND ${params.onlyIf}` : Prisma.empty}
      RETURNING id),
    ${params.withMove ?? Prisma.empty}
    moved_run AS (
      UPDATE runs SET status = ${to}::"TaskStatus",
             started_at = CASE WHEN ${to === "running"} THEN ${now} ELSE started_at END,
             finished_at = CASE WHEN ${ends} THEN ${now} ELSE finished_at END,
             error = CASE WHEN ${to === "failed"} THEN ${reason ?? null} ELSE error END,
             input_tokens = input_tokens + ${spend.inputTokens}::int, output_tokens = output_tokens + ${spend.outputTokens}::int,
             cost_usd = cost_usd + ${spend.costUsd}::numeric ${params.runSet ?? Prisma.empty}
       WHERE id = ${runId ?? null}::uuid AND EXISTS (SELECT 1 FROM moved)),
    moved_event AS (
      INSERT INTO timeline_events (task_id, run_id, type, actor, message, data, step_key, created_at)
      SELECT (SELECT id FROM moved), ${runId ?? null}::uuid, e.type, e.actor, e.message, e.data, e.step_key, ${now}
        FROM (${params.eventsBefore ?? Prisma.sql`SELECT 0, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::text WHERE false`}
              UNION ALL SELECT ${LAST_EVENT}::int, 'task.status', ${actor}, ${message}, ${JSON.stringify({ status: to })}::jsonb, ${params.statusStepKey ?? null}::text)
             AS e(ord, type, actor, message, data, step_key)
       WHERE EXISTS (SELECT 1 FROM moved) ORDER BY e.ord
      ON CONFLICT (run_id, step_key) DO NOTHING)`;
}
