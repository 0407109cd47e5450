// What the person's buttons do to the waiting agent: "Done, hand back" closes the takeover and
// wakes the wait; "Take over" on the task page asks the browser loop to hand over between turns.
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { AppError } from "@/lib/errors";
import { notFound } from "@/lib/tasks/get-task";
import { assertId } from "@/lib/validation/ids";
import { TAKEOVER_REQUEST_TOPIC, takeoverDoneTopic } from "./await-person";
import { handBackTakeover } from "./takeovers";

interface Deps {
  db: Db;
  engine: Pick<TaskDispatcher, "signal">;
}

export async function handBack(deps: Deps, params: { userId: string; userName?: string; takeoverId: string; note?: string }): Promise<void> {
  const takeover = await handBackTakeover(deps.db, params);
  // Idempotent per takeover: a retried request wakes the wait once.
  await deps.engine.signal(takeover.runId, takeoverDoneTopic(takeover.id), { note: takeover.note }, `takeover-${takeover.id}-done`);
}

export async function requestTakeover(deps: Deps, params: { userId: string; taskId: string }): Promise<void> {
  assertId(params.taskId, notFound);
  // Someone else's task is a 404, as everywhere; only the owner learns whether the agent is running.
  const task = await deps.db.task.findFirst({
    where: { id: params.taskId, userId: params.userId },
    select: { runs: { where: { status: "running" }, orderBy: { number: "desc" }, take: 1, select: { id: true } } },
  });
  if (!task) throw notFound();
  const [run] = task.runs;
  if (!run) throw new AppError("CONFLICT", { message: "The agent is not running on this task, so there is nothing to take over." });
  await deps.engine.signal(run.id, TAKEOVER_REQUEST_TOPIC, { reason: "You asked to take over from the task page." });
}
