import type { Db, DbTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma, type Task } from "@/lib/generated/prisma/client";
import type { TaskDispatcher } from "@/lib/engine/port";
import { DEMO_CHOICE, modelChoices, type ModelChoice } from "@/lib/agent/providers/registry";
import { originOutsideAdminRules } from "@/lib/browser";
import { env } from "@/lib/env";
import type { PolicyFloor } from "@/lib/policy/risk-policy";
import { appendEvent } from "./timeline";
import type { CreateTaskInput } from "./schemas";
import { toTaskSummary, type TaskSummary } from "./views";

export interface CreateTaskParams extends CreateTaskInput {
  userId: string;
  idempotencyKey?: string;
  /** A template's floor under the person's policy (PR handoff: pushes always ask). */
  policyFloor?: PolicyFloor;
  /** Rows that belong with the task (a template's rules), written in its transaction. */
  alsoInsert?: (tx: DbTx, task: { id: string; userId: string }) => Promise<void>;
}

/**
 * Records the task and its first run in one transaction, and starts it: in that same transaction
 * when the engine's queue lives in Baton's Postgres (DBOS), else right after. If an engine started
 * after cannot be reached the task stays queued and the worker's sweep starts it later.
 * A repeated Idempotency-Key returns the first task instead of creating another.
 */
export async function createTask(
  deps: { db: Db; engine: TaskDispatcher },
  params: CreateTaskParams,
): Promise<{ task: TaskSummary; created: boolean }> {
  const { db, engine } = deps;
  if (params.idempotencyKey) {
    const existing = await findByIdempotencyKey(db, params.userId, params.idempotencyKey);
    if (existing) return { task: existing, created: false };
  }
  const choice = await resolveModelChoice(db, params);
  checkBrowserOrigins(params.browserOrigins ?? []);
  const delayMs = params.runAt ? params.runAt.getTime() - Date.now() : 0;
  let created;
  try {
    created = await db.$transaction(async (tx) => {
      const inserted = await insertTask(tx, {
        userId: params.userId,
        title: params.title,
        prompt: params.prompt,
        runAt: params.runAt ?? null,
        budgetTokens: params.budgetTokens ?? null,
        budgetUsd: params.budgetUsd ?? null,
        planFirst: params.planFirst ?? false,
        browserOrigins: params.browserOrigins ?? [],
        policyFloor: params.policyFloor ?? undefined,
        provider: choice.provider,
        model: choice.model,
        idempotencyKey: params.idempotencyKey ?? null,
      });
      await params.alsoInsert?.(tx, inserted.task);
      await engine.startRunInTransaction?.(tx, inserted.runId, { delayMs });
      return inserted;
    });
  } catch (error) {
    // Two requests with one key raced: the loser returns the winner's task.
    if (params.idempotencyKey && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const existing = await findByIdempotencyKey(db, params.userId, params.idempotencyKey);
      if (existing) return { task: existing, created: false };
    }
    throw error;
  }

  if (!engine.startRunInTransaction) {
    await engine.startRun(created.runId, { delayMs }).catch((error: unknown) => {
      console.warn(`Task ${created.task.id} is queued; the worker will start it (engine unreachable: ${String(error)})`);
    });
  }
  return { task: toTaskSummary(created.task), created: true };
}

/** A task's origins must be ones the admin's rules let Baton reach (a private address needs BATON_HTTP_ALLOWLIST); 400 otherwise. */
function checkBrowserOrigins(origins: readonly string[]): void {
  if (origins.length === 0) return;
  const problems = origins.flatMap((origin) => originOutsideAdminRules(origin, env().BATON_HTTP_ALLOWLIST) ?? []);
  if (problems.length > 0) throw new AppError("BAD_REQUEST", { message: "Some fields need fixing.", fieldErrors: { browserOrigins: problems } });
}

/** The requested provider and model if this Baton offers them, else the default; 400 otherwise. */
export async function resolveModelChoice(db: DbTx, params: { provider?: string; model?: string }): Promise<ModelChoice> {
  // Always offered: no need to read the model setup.
  if (params.provider === DEMO_CHOICE.provider && params.model === DEMO_CHOICE.model) return DEMO_CHOICE;
  const choices = await modelChoices(db);
  const choice = params.provider || params.model ? choices.find((c) => c.provider === params.provider && c.model === params.model) : choices[0];
  if (choice) return choice;
  const offered = choices.map((c) => `${c.provider}/${c.model}`).join(", ");
  throw new AppError("BAD_REQUEST", { message: "That model is not available here.", fieldErrors: { model: [`Choose one of: ${offered}.`] } });
}

/** A task and its first run, inside the caller's transaction (a request, or a schedule's slot). */
export async function insertTask(tx: DbTx, data: Prisma.TaskUncheckedCreateInput & { provider: string; model: string }): Promise<{ task: Task; runId: string }> {
  const task = await tx.task.create({ data });
  // Not a nested create: Prisma reads a nested create back with two more queries.
  const run = await tx.run.create({ data: { taskId: task.id, number: 1, provider: data.provider, model: data.model }, select: { id: true } });
  const scheduled = data.runAt ? "; scheduled to start later" : "";
  await appendEvent(tx, {
    taskId: task.id,
    runId: run.id,
    type: "task.created",
    actor: data.parentTaskId ? "agent" : data.scheduleId ? "system" : "user",
    message: data.parentTaskId ? "Created as a sub-task by its parent's agent" : data.scheduleId ? `Created by its schedule${scheduled}` : `Created${scheduled}`,
    data: { provider: data.provider, model: data.model, runAt: task.runAt?.toISOString() ?? null },
  });
  return { task, runId: run.id };
}

async function findByIdempotencyKey(db: Db, userId: string, idempotencyKey: string): Promise<TaskSummary | null> {
  const task = await db.task.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
  return task ? toTaskSummary(task) : null;
}
