import pg from "pg";
import { directTransaction, type Db, type DbTx, type DirectTransaction } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { Prisma, type Task } from "@/lib/generated/prisma/client";
import type { PgNotification, TaskDispatcher } from "@/lib/engine/port";
import { DEMO_CHOICE, environmentDefault, environmentModels, modelChoices, type ModelChoice } from "@/lib/agent/providers/registry";
import { originOutsideAdminRules } from "@/lib/browser";
import { env } from "@/lib/env";
import { uuidv7 } from "@/lib/ids/uuid-v7";
import type { PolicyFloor } from "@/lib/policy/risk-policy";
import type { CreateTaskInput } from "./schemas";
import { toTaskSummary, type TaskSummary, type TaskSummaryRow } from "./views";

const UNIQUE_VIOLATION = "23505";

export interface CreateTaskParams extends CreateTaskInput {
  userId: string;
  idempotencyKey?: string;
  /** A template's floor under the person's policy (PR handoff: pushes always ask). */
  policyFloor?: PolicyFloor;
  /** Rows that belong with the task (a template's rules), written in its transaction. */
  alsoInsert?: (tx: DirectTransaction, task: { id: string; userId: string }) => Promise<void>;
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
  const task: NewTask = {
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
  };
  let created;
  try {
    // On the driver, not in a Prisma transaction (lib/db.ts says why): every task is made here.
    created = await directTransaction(db, async (tx) => {
      const { statement, runId } = insertTaskStatement(task, { notify: engine.startWake });
      const [row] = await tx.query<TaskSummaryRow & { userId: string }>(statement);
      await params.alsoInsert?.(tx, row!);
      await engine.startRunInTransaction?.(tx, runId, { delayMs });
      return { task: row!, runId };
    });
  } catch (error) {
    // Two requests with one key raced: the loser returns the winner's task.
    if (params.idempotencyKey && error instanceof pg.DatabaseError && error.code === UNIQUE_VIOLATION) {
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
  const requested = Boolean(params.provider || params.model);
  const matches = (c: ModelChoice) => c.provider === params.provider && c.model === params.model;
  // The demo model and the environment's are offered whatever the Models page holds, and a
  // default the environment pins is the first of them: no need to read the page for those.
  const fixed = requested ? [DEMO_CHOICE, ...environmentModels()].find(matches) : environmentDefault() ? environmentModels()[0] : undefined;
  if (fixed) return fixed;
  const choices = await modelChoices(db);
  const choice = requested ? choices.find(matches) : choices[0];
  if (choice) return choice;
  const offered = choices.map((c) => `${c.provider}/${c.model}`).join(", ");
  throw new AppError("BAD_REQUEST", { message: "That model is not available here.", fieldErrors: { model: [`Choose one of: ${offered}.`] } });
}

/** What insertTask writes: the columns a caller sets; the rest take the schema's defaults. */
export interface NewTask {
  userId: string;
  title: string;
  prompt: string;
  provider: string;
  model: string;
  runAt?: Date | null;
  budgetTokens?: number | null;
  budgetUsd?: number | null;
  idempotencyKey?: string | null;
  scheduleId?: string | null;
  scheduledFor?: Date | null;
  policyFloor?: Prisma.InputJsonValue;
  planFirst?: boolean;
  browserOrigins?: string[];
  parentTaskId?: string | null;
  parentRunId?: string | null;
  subtaskDepth?: number;
}

/**
 * A task, its first run and its task.created event, inside the caller's Prisma transaction (a
 * schedule's slot, a sub-task, a trigger): one statement, where Prisma's creates took three.
 */
export async function insertTask(tx: DbTx, data: NewTask): Promise<{ task: Task; runId: string }> {
  const { statement, runId } = insertTaskStatement(data, {});
  const [task] = await tx.$queryRaw<Task[]>(statement);
  return { task: task!, runId };
}

/** insertTask's statement (its row is the Task); `notify` rides on it (createTask's engine wake-up). */
function insertTaskStatement(data: NewTask, options: { notify?: PgNotification }): { statement: Prisma.Sql; runId: string } {
  const taskId = uuidv7();
  const runId = uuidv7();
  // Prisma's creates stamped rows with the client's clock; so do these, whatever the session's time zone.
  const now = new Date();
  const runAt = data.runAt ?? null;
  const scheduled = runAt ? "; scheduled to start later" : "";
  const event = {
    actor: data.parentTaskId ? "agent" : data.scheduleId ? "system" : "user",
    message: data.parentTaskId ? "Created as a sub-task by its parent's agent" : data.scheduleId ? `Created by its schedule${scheduled}` : `Created${scheduled}`,
    data: { provider: data.provider, model: data.model, runAt: runAt?.toISOString() ?? null },
  };
  const statement = Prisma.sql`
    WITH task AS (
      INSERT INTO tasks (id, user_id, title, prompt, provider, model, run_at, budget_tokens, budget_usd, idempotency_key, schedule_id,
        scheduled_for, policy_floor, plan_first, browser_origins, parent_task_id, parent_run_id, subtask_depth, created_at, updated_at)
      VALUES (${taskId}::uuid, ${data.userId}::uuid, ${data.title}, ${data.prompt}, ${data.provider}, ${data.model}, ${runAt}::timestamp(3),
        ${data.budgetTokens ?? null}::int, ${data.budgetUsd ?? null}::numeric, ${data.idempotencyKey ?? null}, ${data.scheduleId ?? null}::uuid,
        ${data.scheduledFor ?? null}::timestamp(3), ${data.policyFloor === undefined ? null : JSON.stringify(data.policyFloor)}::jsonb,
        ${data.planFirst ?? false}, ${data.browserOrigins ?? []}::text[], ${data.parentTaskId ?? null}::uuid, ${data.parentRunId ?? null}::uuid,
        ${data.subtaskDepth ?? 0}::int, ${now}::timestamp(3), ${now}::timestamp(3))
      RETURNING id::text AS id, user_id::text AS "userId", title, prompt, provider, model, status::text AS status, status_reason AS "statusReason", run_at AS "runAt",
        budget_tokens AS "budgetTokens", budget_usd AS "budgetUsd", idempotency_key AS "idempotencyKey", schedule_id::text AS "scheduleId",
        scheduled_for AS "scheduledFor", policy_floor AS "policyFloor", plan_first AS "planFirst", browser_origins AS "browserOrigins",
        parent_task_id::text AS "parentTaskId", parent_run_id::text AS "parentRunId", subtask_depth AS "subtaskDepth", created_at AS "createdAt",
        updated_at AS "updatedAt"
    ), run AS (
      INSERT INTO runs (id, task_id, number, provider, model, created_at) VALUES (${runId}::uuid, ${taskId}::uuid, 1, ${data.provider}, ${data.model}, ${now}::timestamp(3))
    ), created AS (
      INSERT INTO timeline_events (task_id, run_id, type, actor, message, data, created_at)
      VALUES (${taskId}::uuid, ${runId}::uuid, 'task.created', ${event.actor}, ${event.message}, ${JSON.stringify(event.data)}::jsonb, ${now}::timestamp(3))
    )
    SELECT task.* FROM task${options.notify ? Prisma.sql`, (SELECT pg_notify(${options.notify.channel}, ${options.notify.payload})) AS notified` : Prisma.empty}`;
  return { statement, runId };
}

async function findByIdempotencyKey(db: Db, userId: string, idempotencyKey: string): Promise<TaskSummary | null> {
  const task = await db.task.findUnique({ where: { userId_idempotencyKey: { userId, idempotencyKey } } });
  return task ? toTaskSummary(task) : null;
}
