// Where a call's sub-tasks stand, read by the waiting parent run after each wake-up: still under
// way, all ended (with their answers and failures), or the parent itself was canceled.
import type { Db } from "@/lib/db";
import { isTerminal } from "@/lib/tasks/status";
import type { SubtaskResult } from "./schemas";
import { subtaskKeyPrefix } from "./spawn-subtasks";

/** Enough of each answer for the parent to use; the whole answer stays on the sub-task's page. */
const ANSWER_CHARS = 2_000;

export type SubtaskState = { kind: "canceled" } | { kind: "waiting"; pending: number } | { kind: "done"; results: SubtaskResult[] };

export async function readSubtaskState(db: Db, params: { runId: string; callKey: string; userId: string }): Promise<SubtaskState> {
  const run = await db.run.findFirst({ where: { id: params.runId, task: { userId: params.userId } }, select: { status: true, task: { select: { id: true, status: true } } } });
  if (!run || run.task.status === "canceled" || run.status === "canceled") return { kind: "canceled" };
  const prefix = subtaskKeyPrefix(params);
  const children = await db.task.findMany({
    where: { userId: params.userId, parentTaskId: run.task.id, idempotencyKey: { startsWith: prefix } },
    select: { id: true, title: true, status: true, statusReason: true, idempotencyKey: true },
  });
  const pending = children.filter((child) => !isTerminal(child.status)).length;
  if (pending > 0) return { kind: "waiting", pending };
  const answers = await db.artifact.findMany({
    where: { taskId: { in: children.map((child) => child.id) }, name: "answer.md", task: { userId: params.userId } },
    orderBy: { createdAt: "asc" },
    select: { taskId: true, content: true },
  });
  // The latest run's answer wins (a follow-up to a sub-task writes another).
  const answerOf = new Map(answers.map((answer) => [answer.taskId, Buffer.from(answer.content).toString("utf8")]));
  const ordered = children.sort((a, b) => Number(a.idempotencyKey!.slice(prefix.length)) - Number(b.idempotencyKey!.slice(prefix.length)));
  return {
    kind: "done",
    results: ordered.map((child) => {
      const answer = child.status === "completed" ? answerOf.get(child.id) : undefined;
      return {
        taskId: child.id,
        title: child.title,
        status: child.status as SubtaskResult["status"],
        ...(answer !== undefined ? { answer: answer.length > ANSWER_CHARS ? `${answer.slice(0, ANSWER_CHARS)}…` : answer } : {}),
        ...(child.status !== "completed" ? { reason: child.statusReason ?? (child.status === "failed" ? "No reason was recorded." : "Canceled.") } : {}),
      };
    }),
  };
}
