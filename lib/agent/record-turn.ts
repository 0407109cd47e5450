// One model turn on the record: tokens and cost on the run, and a timeline event saying what the
// model did. Returns the task's totals so the workflow can enforce its budget.
import type { Db, DbTx } from "@/lib/db";
import { appendStepEvent } from "@/lib/tasks/timeline";
import type { TurnResult } from "./providers/conversation";
import { modelTurnInsert } from "./model-turns";
import { costUsd } from "./pricing";

export interface TaskSpend {
  tokens: number;
  usd: number;
}

export interface TurnRecord {
  taskId: string;
  runId: string;
  model: string;
  turn: number;
  result: TurnResult;
}

export async function recordTurn(db: Db, params: TurnRecord): Promise<TaskSpend> {
  return db.$transaction((tx) => recordTurnTx(tx, params));
}

export interface RecordTurnOptions {
  /** The task's status, when the caller already holds its row (FOR NO KEY UPDATE) in this transaction. */
  heldStatus?: string;
  /** False: the caller needs no spend totals (the run's last turn), so they are not summed. */
  totals?: boolean;
}

/** recordTurn inside the caller's transaction (the final turn is recorded with the run's end). */
export async function recordTurnTx(tx: DbTx, params: TurnRecord, options: RecordTurnOptions & { totals: false }): Promise<null>;
export async function recordTurnTx(tx: DbTx, params: TurnRecord, options?: RecordTurnOptions): Promise<TaskSpend>;
export async function recordTurnTx(tx: DbTx, params: TurnRecord, options: RecordTurnOptions = {}): Promise<TaskSpend | null> {
  const turn = describeTurn(params);
  // The task row is held so a cancel cannot land between this check and the event: a turn that
  // came back after "Canceled" still counts its tokens, but the timeline ends at the cancel.
  const status =
    options.heldStatus ??
    (await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM tasks WHERE id = ${params.taskId}::uuid FOR NO KEY UPDATE`)[0]?.status;
  // Counted once: a repeat of the step finds its event and adds nothing.
  const firstTime = status === "canceled" || (await appendStepEvent(tx, { taskId: params.taskId, runId: params.runId, ...turn.event }));
  // What the model answered, for a model step run again (./model-turns.ts).
  await tx.$executeRaw(modelTurnInsert({ runId: params.runId, turn: params.turn, start: { kind: "done", result: params.result } }));
  if (firstTime) {
    await tx.run.update({
      where: { id: params.runId },
      data: { inputTokens: { increment: turn.inputTokens }, outputTokens: { increment: turn.outputTokens }, costUsd: { increment: turn.costUsd } },
      select: { id: true },
    });
  }
  if (options.totals === false) return null;
  const totals = await tx.run.aggregate({ where: { taskId: params.taskId }, _sum: { inputTokens: true, outputTokens: true, costUsd: true } });
  return {
    tokens: (totals._sum.inputTokens ?? 0) + (totals._sum.outputTokens ?? 0),
    usd: Number(totals._sum.costUsd ?? 0),
  };
}

/** What a turn adds to its run's spend, and its timeline event (step-keyed: written once). */
export function describeTurn(params: Pick<TurnRecord, "model" | "turn" | "result">) {
  const { usage, toolCalls } = params.result;
  const cost = costUsd(params.model, usage);
  const calls = toolCalls.map((call) => call.name).join(", ");
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: cost,
    event: {
      stepKey: `record-turn-${params.turn}`,
      type: "model.turn",
      actor: "agent" as const,
      message: `Turn ${params.turn}: ${calls ? `wants to use ${calls}` : "answered"} (${usage.inputTokens + usage.outputTokens} tokens${cost > 0 ? `, $${cost.toFixed(4)}` : ""})`,
      data: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: cost, toolCalls: toolCalls.map((call) => call.name) },
    },
  };
}

/** Why the spend is over the task's budget, or null when it is within it. */
export function overBudget(spend: TaskSpend, budget: { budgetTokens: number | null; budgetUsd: number | null }): string | null {
  if (budget.budgetTokens !== null && spend.tokens > budget.budgetTokens) {
    return `Budget exceeded: used ${spend.tokens} tokens of the ${budget.budgetTokens} allowed.`;
  }
  if (budget.budgetUsd !== null && spend.usd > budget.budgetUsd) {
    return `Budget exceeded: spent $${spend.usd.toFixed(4)} of the $${budget.budgetUsd.toFixed(2)} allowed.`;
  }
  return null;
}
