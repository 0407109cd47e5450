// A run and its task in one statement. Prisma reads an `include` with a second query, and the start
// and end of every run read both: a statement per step saved on the path every task takes.
import type { DbTx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { TaskStatus } from "./status";

export interface RunWithTask {
  id: string;
  number: number;
  status: TaskStatus;
  provider: string;
  model: string;
  startedAt: Date | null;
  task: {
    id: string;
    userId: string;
    status: TaskStatus;
    title: string;
    prompt: string;
    provider: string;
    model: string;
    budgetTokens: number | null;
    budgetUsd: number | null;
    policyFloor: unknown;
    planFirst: boolean;
    scheduleId: string | null;
    /** A sub-task's waiting parent run (spawn_subtasks); null for other tasks. */
    parentRunId: string | null;
    createdAt: Date;
  };
}

/** A row of RUN_WITH_TASK_COLUMNS. */
export interface RunWithTaskRow {
  id: string;
  number: number;
  status: TaskStatus;
  provider: string;
  model: string;
  started_at: Date | null;
  task_id: string;
  user_id: string;
  task_status: TaskStatus;
  title: string;
  prompt: string;
  task_provider: string;
  task_model: string;
  budget_tokens: number | null;
  budget_usd: string | null;
  policy_floor: unknown;
  plan_first: boolean;
  schedule_id: string | null;
  parent_run_id: string | null;
  created_at: Date;
}

/**
 * The run and its task; with lockTask, the task row is held until the transaction ends (as a
 * status change would hold it), so a cancel or a follow-up waits for what the caller decides.
 */
export async function readRunWithTask(tx: DbTx, runId: string, options: { lockTask?: boolean } = {}): Promise<RunWithTask | null> {
  const lock = options.lockTask ? Prisma.sql`FOR NO KEY UPDATE OF t` : Prisma.empty;
  const [row] = await tx.$queryRaw<RunWithTaskRow[]>(Prisma.sql`${RUN_WITH_TASK} WHERE r.id = ${runId}::uuid ${lock}`);
  return row ? toRunWithTask(row) : null;
}

export function toRunWithTask(row: RunWithTaskRow): RunWithTask {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    provider: row.provider,
    model: row.model,
    startedAt: row.started_at,
    task: {
      id: row.task_id,
      userId: row.user_id,
      status: row.task_status,
      title: row.title,
      prompt: row.prompt,
      provider: row.task_provider,
      model: row.task_model,
      budgetTokens: row.budget_tokens,
      budgetUsd: row.budget_usd === null ? null : Number(row.budget_usd),
      policyFloor: row.policy_floor,
      planFirst: row.plan_first,
      scheduleId: row.schedule_id,
      parentRunId: row.parent_run_id,
      createdAt: row.created_at,
    },
  };
}

/** The columns of a run (r) and its task (t), for a statement that reads them with more. */
export const RUN_WITH_TASK_COLUMNS = Prisma.sql`
  r.id::text, r.number, r.status::text AS status, r.provider, r.model, r.started_at,
         t.id::text AS task_id, t.user_id::text, t.status::text AS task_status, t.title, t.prompt,
         t.provider AS task_provider, t.model AS task_model, t.budget_tokens, t.budget_usd::text,
         t.policy_floor, t.plan_first, t.schedule_id::text, t.parent_run_id::text, t.created_at`;

// One column list for both variants (locked and not).
const RUN_WITH_TASK = Prisma.sql`SELECT ${RUN_WITH_TASK_COLUMNS} FROM runs r JOIN tasks t ON t.id = r.task_id`;
