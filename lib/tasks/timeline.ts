import type { DbTx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Who caused an event: the person, the agent working for them, or Baton itself. */
export type Actor = "user" | "agent" | "system";

export interface NewEvent {
  taskId: string;
  runId?: string;
  type: string;
  actor: Actor;
  message: string;
  data?: Prisma.InputJsonValue;
}

export async function appendEvent(tx: DbTx, event: NewEvent): Promise<void> {
  await tx.timelineEvent.create({ data: event });
}

/**
 * The event of a workflow step that must write once however often it runs (a step cut off after
 * its transaction committed runs again after a restart). False when an earlier run of the step
 * already wrote it: the caller then skips the step's other writes, which were in that transaction.
 */
export async function appendStepEvent(tx: DbTx, event: NewEvent & { runId: string; stepKey: string }): Promise<boolean> {
  const { count } = await tx.timelineEvent.createMany({ data: [event], skipDuplicates: true });
  return count === 1;
}

/** What an earlier run of a step wrote with appendStepEvent, if it did. */
export async function findStepEvent(tx: DbTx, params: { runId: string; stepKey: string }) {
  return tx.timelineEvent.findFirst({ where: { runId: params.runId, stepKey: params.stepKey } });
}
