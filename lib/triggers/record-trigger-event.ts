// What one event does to its trigger, exactly once however many deliveries or workers race: the
// caller holds the trigger's row lock (lockTrigger), so deliveries of one trigger are decided one
// after another, and (trigger, event key) is unique on the row that claims an event as a backstop.
// In order: a signature seen before is a replay; a claimed key is a duplicate; a paused trigger
// skips (for good); a trigger over its rate drops the event (the sender may send it again); else the task and its claim are written together.
import type { DbTx } from "@/lib/db";
import type { Prisma, Trigger } from "@/lib/generated/prisma/client";
import { insertTask } from "@/lib/tasks/create-task";
import { appendEvent } from "@/lib/tasks/timeline";
import { triggerPrompt, type TriggerEventData } from "./event-prompt";

export type EventOutcome = "created" | "deduped" | "replayed" | "rate_limited" | "skipped" | "seen";

export interface IncomingEvent {
  key: string;
  /** A webhook delivery's verified signature ("<t>:<hex>"); feeds have none. */
  signature?: string;
  preview: string;
  data: TriggerEventData;
  /** A feed's first poll: remember the event, start nothing. */
  seenOnly?: boolean;
  /** Polled sources see their events again on every poll: that is not a duplicate delivery. */
  polled?: boolean;
}

export interface EventResult {
  outcome: EventOutcome;
  taskId?: string;
  /** The run to hand the engine once the transaction commits. */
  runId?: string;
}

const RATE_WINDOW_MS = 60_000;

/** Locks the trigger's row for the rest of the transaction; null when it does not exist. */
export async function lockTrigger(tx: DbTx, triggerId: string): Promise<Trigger | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM triggers WHERE id = ${triggerId}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.trigger.findUniqueOrThrow({ where: { id: triggerId } });
}

export async function recordTriggerEvent(tx: DbTx, trigger: Trigger, event: IncomingEvent, now = new Date()): Promise<EventResult> {
  const count = (field: "createdCount" | "dedupedCount" | "rateLimitedCount" | "skippedCount" | "rejectedCount", extra: Prisma.TriggerUpdateInput = {}) =>
    tx.trigger.update({ where: { id: trigger.id }, data: { [field]: { increment: 1 }, ...extra } });

  if (event.signature && (await tx.triggerEvent.findUnique({ where: { triggerId_signature: { triggerId: trigger.id, signature: event.signature } }, select: { id: true } }))) {
    await count("rejectedCount", { lastRejectedAt: now, lastRejectedReason: "A delivery was sent again with the same signature (replay)." });
    return { outcome: "replayed" };
  }
  const claimed = await tx.triggerEvent.findUnique({ where: { triggerId_claimedKey: { triggerId: trigger.id, claimedKey: event.key } } });
  if (claimed) {
    if (!event.polled) {
      await tx.triggerEvent.update({ where: { id: claimed.id }, data: { duplicates: { increment: 1 } } });
      await count("dedupedCount");
    }
    return { outcome: "deduped", ...(claimed.taskId ? { taskId: claimed.taskId } : {}) };
  }
  const row = { triggerId: trigger.id, eventKey: event.key, signature: event.signature ?? null, preview: event.preview, receivedAt: now };
  if (event.seenOnly) {
    await tx.triggerEvent.create({ data: { ...row, outcome: "seen", claimedKey: event.key } });
    return { outcome: "seen" };
  }
  if (trigger.paused) {
    // Claimed: a skipped event is not run on resume, and a feed polled while paused counts each item once.
    await tx.triggerEvent.create({ data: { ...row, outcome: "skipped", claimedKey: event.key } });
    await count("skippedCount");
    return { outcome: "skipped" };
  }
  const recent = await tx.triggerEvent.count({ where: { triggerId: trigger.id, outcome: "created", receivedAt: { gt: new Date(now.getTime() - RATE_WINDOW_MS) } } });
  if (recent >= trigger.rateLimitPerMinute) {
    await tx.triggerEvent.create({ data: { ...row, outcome: "rate_limited" } });
    await count("rateLimitedCount");
    return { outcome: "rate_limited" };
  }

  const { task, runId } = await insertTask(tx, {
    userId: trigger.userId,
    title: trigger.name,
    prompt: triggerPrompt(trigger.prompt, event.data),
    provider: trigger.provider,
    model: trigger.model,
    policyFloor: trigger.policyFloor ?? undefined,
    planFirst: trigger.planFirst,
  });
  await appendEvent(tx, { taskId: task.id, runId, type: "trigger.fired", actor: "system", message: `Started by the trigger "${trigger.name}"`, data: { triggerId: trigger.id } });
  await tx.triggerEvent.create({ data: { ...row, outcome: "created", claimedKey: event.key, taskId: task.id } });
  await count("createdCount");
  return { outcome: "created", taskId: task.id, runId };
}
