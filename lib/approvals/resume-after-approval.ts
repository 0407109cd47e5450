import { directSql, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { transitionSteps } from "@/lib/tasks/transition-task";

/**
 * Back to running once a decision is in; false when the person canceled the task meanwhile. One
 * statement that records itself: the move's status event carries `stepKey`, so a repeat (a
 * resumption replaying the run) finds it and answers as the first did, without moving a task that
 * has since gone on (to a later approval, say).
 */
export async function resumeAfterApproval(db: Db, params: { taskId: string; runId: string; stepKey: string }): Promise<boolean> {
  const { taskId, runId, stepKey } = params;
  const earlier = Prisma.sql`EXISTS (SELECT 1 FROM timeline_events WHERE run_id = ${runId}::uuid AND step_key = ${stepKey})`;
  // The rest of the statement sees the task as it was before the move.
  const [row] = await directSql(db).query<{ resumed: boolean }>(Prisma.sql`
    WITH ${transitionSteps({ task: Prisma.sql`(SELECT ${taskId}::uuid WHERE NOT ${earlier})`, runId, to: "running", actor: "system", statusStepKey: stepKey })}
    SELECT ${earlier} OR EXISTS (SELECT 1 FROM moved)
        OR (SELECT status FROM tasks WHERE id = ${taskId}::uuid) NOT IN ('canceled', 'waiting_approval') AS resumed`);
  return row?.resumed === true;
}
