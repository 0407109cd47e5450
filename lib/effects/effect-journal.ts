// The effect journal: every tool call is written down before it is made and its outcome right
// after. A durable step repeated after a crash reads the journal first, so a call whose outcome was
// recorded is never made again, and one whose outcome is unknown is made again with the same
// idempotency key (which a far side that honours the key can use to answer without acting twice).
import { createHash } from "node:crypto";
import type { Db, DbTx } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

export interface EffectOutcome {
  ok: boolean;
  output: string;
}

export type OpenedEffect =
  | { kind: "recorded"; outcome: EffectOutcome }
  | { kind: "first"; id: string; idempotencyKey: string }
  | { kind: "again"; id: string; idempotencyKey: string; attempt: number; lastError: string | null };

/** Stable for one call of one run: the same on every attempt, different for every other call. */
export function idempotencyKeyFor(call: { runId: string; callKey: string; callId: string }): string {
  const digest = createHash("sha256").update(`${call.runId}\n${call.callKey}\n${call.callId}`).digest("hex");
  return `baton-${digest.slice(0, 40)}`;
}

/** Writes the intent of a call, or finds the earlier attempt's entry (counting this attempt). */
export async function openEffect(db: Db, call: { runId: string; callKey: string; callId: string; tool: string }): Promise<OpenedEffect> {
  const idempotencyKey = idempotencyKeyFor(call);
  const where = { runId_callKey: { runId: call.runId, callKey: call.callKey } };
  const existing = await db.effect.findUnique({ where });
  if (!existing) {
    try {
      const created = await db.effect.create({ data: { runId: call.runId, callKey: call.callKey, tool: call.tool, idempotencyKey }, select: { id: true } });
      return { kind: "first", id: created.id, idempotencyKey };
    } catch (error) {
      // Another attempt wrote it between the read and the insert: read it below.
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    }
  }
  const entry = existing ?? (await db.effect.findUniqueOrThrow({ where }));
  if (entry.outcome !== null) return { kind: "recorded", outcome: entry.outcome as unknown as EffectOutcome };
  const updated = await db.effect.update({ where: { id: entry.id }, data: { attempts: { increment: 1 } }, select: { attempts: true } });
  return { kind: "again", id: entry.id, idempotencyKey: entry.idempotencyKey, attempt: updated.attempts, lastError: entry.lastError };
}

export async function recordEffectOutcome(tx: DbTx, params: { id: string; outcome: EffectOutcome }): Promise<void> {
  await tx.effect.update({ where: { id: params.id }, data: { outcome: { ...params.outcome }, finishedAt: new Date(), lastError: null } });
}

/** An attempt that ended with an error rather than an outcome (the step may try again). */
export async function recordEffectError(db: Db, params: { id: string; message: string }): Promise<void> {
  await db.effect.update({ where: { id: params.id }, data: { lastError: params.message.slice(0, 500) } });
}
