// Creates a call's sub-tasks: one task and first run each, owned by the parent's owner, in one
// transaction with the parent's timeline event. Idempotent per (parent run, call): a step cut off
// after its commit runs again and finds the same sub-tasks (their idempotency keys), so no
// sub-task is ever created twice.
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { insertTask } from "@/lib/tasks/create-task";
import { readRunWithTask } from "@/lib/tasks/read-run";
import { isTerminal } from "@/lib/tasks/status";
import { appendEvent } from "@/lib/tasks/timeline";
import type { SpawnSubtasksInput } from "./schemas";

export interface SpawnedSubtask {
  taskId: string;
  runId: string;
  title: string;
}

export type SpawnOutcome = { kind: "spawned"; children: SpawnedSubtask[] } | { kind: "refused"; message: string } | { kind: "canceled" };

/** The idempotency key of a call's sub-task; the prefix finds all of a call's sub-tasks. */
export function subtaskKeyPrefix(params: { runId: string; callKey: string }): string {
  return `subtask/${params.runId}/${params.callKey}/`;
}

export async function spawnSubtasks(
  db: Db,
  params: { runId: string; callKey: string; tasks: SpawnSubtasksInput["tasks"]; maxDepth: number },
): Promise<SpawnOutcome> {
  const prefix = subtaskKeyPrefix(params);
  return db.$transaction(async (tx) => {
    // The parent's row is held: a cancel of the parent waits, then finds (and cancels) these.
    const run = await readRunWithTask(tx, params.runId, { lockTask: true });
    if (!run || isTerminal(run.task.status)) return { kind: "canceled" };
    const parent = await tx.task.findUniqueOrThrow({ where: { id: run.task.id }, select: { id: true, userId: true, subtaskDepth: true, policyFloor: true } });
    const existing = await tx.task.findMany({
      where: { userId: parent.userId, parentTaskId: parent.id, idempotencyKey: { startsWith: prefix } },
      select: { id: true, title: true, idempotencyKey: true, runs: { select: { id: true }, orderBy: { number: "asc" }, take: 1 } },
    });
    if (existing.length > 0) {
      const ordered = existing.sort((a, b) => indexOf(a.idempotencyKey, prefix) - indexOf(b.idempotencyKey, prefix));
      return { kind: "spawned", children: ordered.map((task) => ({ taskId: task.id, runId: task.runs[0]!.id, title: task.title })) };
    }
    if (parent.subtaskDepth >= params.maxDepth) {
      const depth = parent.subtaskDepth;
      return {
        kind: "refused",
        message: `Sub-tasks may nest at most ${params.maxDepth} deep, and this task is ${depth === 0 ? "not allowed to have any" : `already a sub-task at depth ${depth}`}. Do this work here, without spawn_subtasks.`,
      };
    }
    const children: SpawnedSubtask[] = [];
    for (const [index, subtask] of params.tasks.entries()) {
      const { task, runId } = await insertTask(tx, {
        userId: parent.userId,
        title: subtask.title,
        prompt: subtask.prompt,
        provider: run.task.provider,
        model: run.task.model,
        // A template's floor (pushes always ask) holds for the work it splits off, too.
        policyFloor: (parent.policyFloor ?? undefined) as Prisma.InputJsonValue | undefined,
        parentTaskId: parent.id,
        parentRunId: params.runId,
        subtaskDepth: parent.subtaskDepth + 1,
        idempotencyKey: `${prefix}${index + 1}`,
      });
      children.push({ taskId: task.id, runId, title: task.title });
    }
    const count = children.length === 1 ? "1 sub-task" : `${children.length} sub-tasks`;
    await appendEvent(tx, {
      taskId: parent.id,
      runId: params.runId,
      type: "subtasks.spawned",
      actor: "agent",
      message: `Started ${count}: ${children.map((child) => child.title).join(", ")}`.slice(0, 500),
      data: { taskIds: children.map((child) => child.taskId) },
    });
    return { kind: "spawned", children };
  });
}

function indexOf(key: string | null, prefix: string): number {
  return Number((key ?? "").slice(prefix.length));
}
