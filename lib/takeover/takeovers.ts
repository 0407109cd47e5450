// The takeover rows: asked for by the agent's wait, handed back by the person, ended by the wait
// when nobody came. The timeline gets who, when, how long, which pages and how many keys (never
// which keys: a person may type a password into the live view).
import { z } from "zod";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { appendEvent, appendStepEvent } from "@/lib/tasks/timeline";

export const handBackSchema = z.object({ note: z.string().trim().max(2_000).optional() });
export type HandBackInput = z.infer<typeof handBackSchema>;

export interface TakeoverRequest {
  taskId: string;
  runId: string;
  userId: string;
  key: string;
  reason: string;
  expiresAt: Date;
}

/** The takeover for this wait, made once (a replayed step finds the row it made). */
export async function recordTakeoverRequest(db: Db, request: TakeoverRequest): Promise<{ id: string; expiresAt: Date }> {
  return db.$transaction(async (tx) => {
    const row = await tx.takeover.upsert({
      where: { runId_key: { runId: request.runId, key: request.key } },
      create: { ...request, reason: request.reason.slice(0, 500) },
      update: {},
      select: { id: true, expiresAt: true },
    });
    await appendStepEvent(tx, {
      taskId: request.taskId,
      runId: request.runId,
      stepKey: `takeover-ask-${request.key}`,
      type: "takeover.requested",
      actor: "agent",
      message: `Baton needs you: ${request.reason}`.slice(0, 500),
      data: { takeoverId: row.id },
    });
    return row;
  });
}

/** A takeover the signed-in user is driving now, or a 404 (someone else's reads as none). */
export async function activeTakeoverOrThrow(db: Db, params: { userId: string; takeoverId: string }) {
  const takeover = await db.takeover.findFirst({ where: { id: params.takeoverId, userId: params.userId, status: "active" } });
  if (!takeover) throw new AppError("NOT_FOUND", { message: "This takeover is over or was never yours." });
  return takeover;
}

const minutes = (ms: number) => (ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`);

/** The person is done: the row closes and the timeline says what they did; the caller signals the run. */
export async function handBackTakeover(db: Db, params: { userId: string; takeoverId: string; note?: string; userName?: string }, now = new Date()) {
  const takeover = await activeTakeoverOrThrow(db, params);
  const closed = await db.takeover.updateMany({ where: { id: takeover.id, status: "active" }, data: { status: "done", endedAt: now, note: params.note || null } });
  if (closed.count === 0) throw new AppError("CONFLICT", { message: "This takeover was already handed back." });
  const took = now.getTime() - (takeover.claimedAt ?? takeover.createdAt).getTime();
  const pages = takeover.pages.length > 0 ? ` on ${takeover.pages.join(", ")}` : "";
  await appendEvent(db, {
    taskId: takeover.taskId,
    runId: takeover.runId,
    type: "takeover.handed_back",
    actor: "user",
    message: `${params.userName ?? "You"} drove the browser for ${minutes(took)}${pages} (${takeover.keystrokes} keys typed, masked) and handed it back${params.note ? `: ${params.note}` : ""}`.slice(0, 1_000),
    data: { takeoverId: takeover.id, claimedAt: takeover.claimedAt?.toISOString() ?? null, durationMs: took, pages: takeover.pages, keystrokes: takeover.keystrokes },
  });
  return { ...takeover, status: "done" as const, note: params.note ?? "" };
}

/** The wait ended without a hand-back: the link and any live view stop working. */
export async function endTakeover(db: Db, params: { takeoverId: string; status: "expired" | "canceled" }, now = new Date()): Promise<void> {
  const takeover = await db.takeover.findUnique({ where: { id: params.takeoverId } });
  if (!takeover || (takeover.status !== "waiting" && takeover.status !== "active")) return;
  await db.takeover.update({ where: { id: takeover.id }, data: { status: params.status, endedAt: now } });
  await appendEvent(db, {
    taskId: takeover.taskId,
    runId: takeover.runId,
    type: `takeover.${params.status}`,
    actor: "system",
    message: params.status === "expired" ? "Nobody took over in time: the agent goes on without you" : "The takeover ended: the task was canceled",
    data: { takeoverId: takeover.id, pages: takeover.pages, keystrokes: takeover.keystrokes },
  });
}

/** Whether a person holds the takeover now (the wait keeps going past the link's 10 minutes then). */
export async function takeoverIsActive(db: Db, takeoverId: string): Promise<boolean> {
  return (await db.takeover.count({ where: { id: takeoverId, status: "active" } })) > 0;
}
