// POST /api/hooks/<id>: one webhook delivery, checked in the order that costs a stranger the least
// to be refused: the trigger exists, the body is small JSON, the signature is good and fresh; then
// the event is decided under the trigger's lock (record-trigger-event.ts). Refusals are counted
// on the trigger with a reason the owner sees, and say no more than is safe to the sender.
import { createHash } from "node:crypto";
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { AppError } from "@/lib/errors";
import { parseJsonText } from "@/lib/http/respond";
import { assertId } from "@/lib/validation/ids";
import { eventPreview } from "./event-prompt";
import { lockTrigger, recordTriggerEvent, type EventOutcome } from "./record-trigger-event";
import { readWebhookSecret } from "./webhook-secret";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "./webhook-signature";

export const MAX_WEBHOOK_BYTES = 64 * 1024;
const MAX_KEY_CHARS = 200;

export interface WebhookReceipt {
  status: number;
  outcome: EventOutcome;
  taskId?: string;
  message: string;
}

const notFound = () => new AppError("NOT_FOUND", { message: "No such webhook." });

export async function receiveWebhook(deps: { db: Db; engine: TaskDispatcher }, params: { triggerId: string; request: Request }): Promise<WebhookReceipt> {
  const { db } = deps;
  assertId(params.triggerId, notFound);
  const trigger = await db.trigger.findFirst({ where: { id: params.triggerId, kind: "webhook" } });
  if (!trigger) throw notFound();
  const refuse = async (error: AppError, reason = error.message): Promise<never> => {
    await db.trigger.update({ where: { id: trigger.id }, data: { rejectedCount: { increment: 1 }, lastRejectedAt: new Date(), lastRejectedReason: reason } });
    throw error;
  };

  const rawBody = await readCapped(params.request).catch((error: unknown) => refuse(toAppErrorOf(error)));
  if (!params.request.headers.get("content-type")?.toLowerCase().includes("application/json")) {
    await refuse(new AppError("BAD_REQUEST", { message: "Send the body as JSON with Content-Type: application/json." }));
  }
  const secret = await readWebhookSecret(db, { userId: trigger.userId, triggerId: trigger.id });
  if (!secret) throw notFound();
  const verdict = verifyWebhookSignature({ header: params.request.headers.get(SIGNATURE_HEADER), secret, rawBody });
  if (!verdict.ok) await refuse(new AppError("UNAUTHORIZED", { message: verdict.message }), refusalReason(verdict.reason));
  const signature = verdict.ok ? verdict.signature : "";
  let body: unknown;
  try {
    body = parseJsonText(rawBody.toString("utf8"), "The body is");
  } catch (error) {
    return refuse(toAppErrorOf(error));
  }

  const text = JSON.stringify(body, null, 2);
  const key = dedupeKeyOf({ body, rawBody, headers: params.request.headers, field: trigger.dedupeField, header: trigger.dedupeHeader });
  const result = await db.$transaction(async (tx) => {
    const locked = await lockTrigger(tx, trigger.id);
    if (!locked) throw notFound();
    return recordTriggerEvent(tx, locked, { key, signature, preview: eventPreview(text), data: { source: "a webhook delivery", content: text } });
  });
  if (result.runId) await deps.engine.startRun(result.runId).catch(() => undefined); // the worker's sweep starts it otherwise
  return receiptOf(result.outcome, result.taskId);
}

function receiptOf(outcome: EventOutcome, taskId: string | undefined): WebhookReceipt {
  const task = taskId ? { taskId } : {};
  switch (outcome) {
    case "created":
      return { status: 202, outcome, ...task, message: "Accepted: a task was started." };
    case "deduped":
      return { status: 200, outcome, ...task, message: "Already received: this event started a task before, so nothing new was started." };
    case "skipped":
      return { status: 200, outcome, message: "The trigger is paused: the event was counted and not run." };
    case "rate_limited":
      throw new AppError("TOO_MANY_REQUESTS", { message: "Too many events this minute for this trigger: this one was counted and not run. Send it again later." });
    case "replayed":
      throw new AppError("CONFLICT", { message: "This exact delivery (same signature) was received before: sign each delivery when you send it." });
    case "seen":
      return { status: 200, outcome, message: "Recorded." };
  }
}

/** The body, refused at the first byte past the cap rather than read whole. */
async function readCapped(request: Request): Promise<Buffer> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", { message: `The body is larger than ${MAX_WEBHOOK_BYTES / 1024} KiB.` });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_WEBHOOK_BYTES) throw tooLarge();
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}

/** The event's identity: the configured JSON field, else the configured header, else the body's hash. */
export function dedupeKeyOf(params: { body: unknown; rawBody: Buffer; headers: Headers; field: string | null; header: string }): string {
  if (params.field) {
    const value = params.field.split(".").reduce<unknown>((node, name) => (node && typeof node === "object" && !Array.isArray(node) ? (node as Record<string, unknown>)[name] : undefined), params.body);
    if (typeof value === "string" || typeof value === "number") return `field:${String(value).slice(0, MAX_KEY_CHARS)}`;
  }
  const fromHeader = params.headers.get(params.header)?.trim();
  if (fromHeader) return `header:${fromHeader.slice(0, MAX_KEY_CHARS)}`;
  return `sha256:${createHash("sha256").update(params.rawBody).digest("hex")}`;
}

/** What the owner reads on the trigger's page: which rule failed (the sender is told less about a wrong signature). */
function refusalReason(reason: "missing" | "malformed" | "stale" | "mismatch"): string {
  switch (reason) {
    case "missing":
      return "The delivery was not signed.";
    case "malformed":
      return "The signature header was malformed.";
    case "stale":
      return "The signature's timestamp was more than 5 minutes from Baton's clock (a slow sender, or a replay).";
    case "mismatch":
      return "The signature did not match (the wrong secret, or a changed body).";
  }
}

function toAppErrorOf(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError("BAD_REQUEST", { message: "The body could not be read.", cause: error });
}
