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
