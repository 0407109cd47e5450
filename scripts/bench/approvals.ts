// Approval decision → run resumed, for `npm run bench`: tasks whose demo run posts to the team
// channel (which the default policy asks about), each decided through decideApproval (what the
// approval card and POST /api/approvals/:id/decision call) once it waits, one at a time, and timed
// from the decision's own timestamp to the worker's "running" event that follows it.
import { DEMO_CHOICE } from "../../lib/agent/providers/registry";
import { decideApproval } from "../../lib/approvals/decide-approval";
import type { Db } from "../../lib/db";
import type { DbosDispatcher } from "../../lib/engine/dbos/dispatcher";
import { createTask } from "../../lib/tasks/create-task";
import { builtinArgumentValidator } from "../../lib/tools/argument-validator";
import { percentile } from "./measure";

const PROMPT = 'Post "Stand-up moves to 10:00" to the team channel.';

export async function benchApprovals(deps: { db: Db; engine: DbosDispatcher }, userId: string, count: number): Promise<{ p50: number; p99: number; max: number; decided: number }> {
  const { db } = deps;
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const { task } = await createTask(deps, { userId, title: `Approval ${n}`, prompt: PROMPT, provider: DEMO_CHOICE.provider, model: DEMO_CHOICE.model });
    ids.push(task.id);
  }
  const until = async (what: string, done: () => Promise<boolean>) => {
    const deadline = Date.now() + 60_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`approvals bench: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await until("the runs to ask", async () => (await db.approval.count({ where: { taskId: { in: ids }, status: "pending" } })) === count);
  const approvals = await db.approval.findMany({ where: { taskId: { in: ids } }, select: { id: true, taskId: true } });
  for (const approval of approvals) {
    await decideApproval({ ...deps, tools: builtinArgumentValidator }, { userId, approvalId: approval.id, decision: "approve", via: "bench" });
    await until("a run to resume", async () => (await db.task.findUniqueOrThrow({ where: { id: approval.taskId }, select: { status: true } })).status !== "waiting_approval");
  }
  const rows = await db.$queryRaw<{ ms: number }[]>`
    SELECT extract(epoch FROM (
             SELECT min(e.created_at) FROM timeline_events e
              WHERE e.task_id = a.task_id AND e.type = 'task.status' AND e.data->>'status' = 'running' AND e.created_at >= a.decided_at)
           - a.decided_at) * 1000 AS ms
      FROM approvals a WHERE a.task_id = ANY(${ids}::uuid[]) AND a.decided_at IS NOT NULL`;
  const delays = rows.flatMap((row) => (row.ms === null ? [] : [Number(row.ms)]));
  return { p50: percentile(delays, 0.5), p99: percentile(delays, 0.99), max: percentile(delays, 1), decided: delays.length };
}
