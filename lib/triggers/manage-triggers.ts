// Triggers of one user: create, edit, list with their last events, show, pause, rotate the webhook
// secret, delete. Every query is scoped by userId; another user's trigger is a 404.
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma, TaskStatus, Trigger } from "@/lib/generated/prisma/client";
import { findSecretHint } from "@/lib/secrets/secret-store";
import { resolveModelChoice } from "@/lib/tasks/create-task";
import { assertId } from "@/lib/validation/ids";
import { describeMailFilter } from "./mail-filter";
import type { TriggerInput } from "./schemas";
import { deleteWebhookSecret, issueWebhookSecret } from "./webhook-secret";

/** What "ask before acting" holds its tasks to, whatever the person's policy allows. */
export const ASK_BEFORE_ACTING = { external: "ask", destructive: "ask" } as const;

export interface TriggerEventView {
  id: string;
  outcome: string;
  preview: string;
  receivedAt: string;
  duplicates: number;
  task: { id: string; status: TaskStatus } | null;
}

export interface TriggerView {
  id: string;
  kind: Trigger["kind"];
  name: string;
  prompt: string;
  provider: string;
  model: string;
  paused: boolean;
  askBeforeActing: boolean;
  planFirst: boolean;
  rateLimitPerMinute: number;
  dedupeHeader: string;
  dedupeField: string | null;
  feedUrl: string | null;
  calendarUrl: string | null;
  leadMinutes: number;
  /** Mail: the folder polled and the filter; shown on the page. */
  mail: { folder: string; from: string | null; subject: string | null; unreadOnly: boolean; description: string } | null;
  pollIntervalSeconds: number;
  lastPolledAt: string | null;
  lastPollError: string | null;
  counts: { created: number; deduped: number; rateLimited: number; skipped: number; rejected: number; notModified: number };
  lastRejectedAt: string | null;
  lastRejectedReason: string | null;
  /** The webhook's path (POST here), null for a feed. */
  webhookPath: string | null;
  events: TriggerEventView[];
}

const notFound = () => new AppError("NOT_FOUND", { message: "No such trigger." });

async function findOrThrow(db: Db, params: { userId: string; triggerId: string }): Promise<Trigger> {
  assertId(params.triggerId, notFound);
  const trigger = await db.trigger.findFirst({ where: { id: params.triggerId, userId: params.userId } });
  if (!trigger) throw notFound();
  return trigger;
}

async function editableFields(db: Db, input: TriggerInput) {
  const choice = await resolveModelChoice(db, input);
  const common = {
    name: input.name,
    prompt: input.prompt,
    provider: choice.provider,
    model: choice.model,
    rateLimitPerMinute: input.rateLimitPerMinute,
    policyFloor: input.askBeforeActing ? (ASK_BEFORE_ACTING as Prisma.InputJsonValue) : ({} as Prisma.InputJsonValue),
    planFirst: input.planFirst,
  };
  switch (input.kind) {
    case "webhook":
      return { ...common, dedupeHeader: input.dedupeHeader, dedupeField: input.dedupeField ?? null };
    case "feed":
      return { ...common, feedUrl: input.feedUrl, pollIntervalSeconds: input.pollIntervalSeconds };
    case "calendar":
      return { ...common, calendarUrl: input.calendarUrl, leadMinutes: input.leadMinutes, pollIntervalSeconds: input.pollIntervalSeconds };
    case "mail":
      return { ...common, mailFolder: input.mailFolder, mailFrom: input.mailFrom ?? null, mailSubject: input.mailSubject ?? null, mailUnreadOnly: input.mailUnreadOnly, pollIntervalSeconds: input.pollIntervalSeconds };
  }
}

/** A webhook trigger comes with its secret, shown this once. A feed, calendar or mail trigger polls soon after. */
export async function createTrigger(db: Db, params: TriggerInput & { userId: string }): Promise<{ trigger: TriggerView; secret: string | null }> {
  if (params.kind === "mail") await assertMailboxConnected(db, params.userId);
  const fields = await editableFields(db, params);
  const { trigger, secret } = await db.$transaction(async (tx) => {
    const trigger = await tx.trigger.create({ data: { userId: params.userId, kind: params.kind, ...fields, nextPollAt: params.kind === "webhook" ? null : new Date() } });
    const secret = params.kind === "webhook" ? await issueWebhookSecret(tx, { userId: params.userId, triggerId: trigger.id }) : null;
    return { trigger, secret };
  });
  return { trigger: await viewOf(db, trigger, 0), secret };
}

/** Replaces the editable fields; the kind stays. A new feed URL starts over: its items are read as already there. */
export async function updateTrigger(db: Db, params: TriggerInput & { userId: string; triggerId: string }): Promise<TriggerView> {
  const trigger = await findOrThrow(db, params);
  if (trigger.kind !== params.kind) throw new AppError("BAD_REQUEST", { message: `This is a ${trigger.kind} trigger; its kind cannot change.`, fieldErrors: { kind: ["The kind cannot change."] } });
  const fields = await editableFields(db, params);
  const feedMoved = params.kind === "feed" && params.feedUrl !== trigger.feedUrl;
  // Another folder has its own UIDs: the next poll baselines it (its mail starts nothing).
  const folderMoved = params.kind === "mail" && params.mailFolder !== trigger.mailFolder;
  const updated = await db.$transaction(async (tx) => {
    if (feedMoved) await tx.triggerEvent.deleteMany({ where: { triggerId: trigger.id, outcome: "seen" } });
    return tx.trigger.update({
      where: { id: trigger.id },
      data: {
        ...fields,
        ...(feedMoved ? { feedPrimed: false, etag: null, lastModified: null, nextPollAt: new Date(), lastPollError: null } : {}),
        ...(folderMoved ? { mailUidValidity: null, mailLastUid: null, nextPollAt: new Date(), lastPollError: null } : {}),
      },
    });
  });
  return viewOf(db, updated);
}

export async function listTriggers(db: Db, params: { userId: string; eventsEach?: number }): Promise<TriggerView[]> {
  const triggers = await db.trigger.findMany({ where: { userId: params.userId }, orderBy: { createdAt: "desc" } });
  return Promise.all(triggers.map((trigger) => viewOf(db, trigger, params.eventsEach ?? 3)));
}

export async function getTrigger(db: Db, params: { userId: string; triggerId: string; events?: number }): Promise<TriggerView & { secretHint: string | null }> {
  const trigger = await findOrThrow(db, params);
  const secretHint = trigger.kind === "webhook" ? await findSecretHint(db, { owner: { scope: "user", userId: params.userId }, name: `trigger-webhook:${trigger.id}` }) : null;
  return { ...(await viewOf(db, trigger, params.events ?? 50)), secretHint };
}

/** A paused trigger starts nothing and counts what it skipped; resuming does not replay them. */
export async function setTriggerPaused(db: Db, params: { userId: string; triggerId: string; paused: boolean }): Promise<TriggerView> {
  const trigger = await findOrThrow(db, params);
  const updated = await db.trigger.update({ where: { id: trigger.id }, data: { paused: params.paused, ...(trigger.kind !== "webhook" && !params.paused ? { nextPollAt: new Date() } : {}) } });
  return viewOf(db, updated);
}

/** A new webhook secret, shown once; the old one stops working at once. */
export async function rotateTriggerSecret(db: Db, params: { userId: string; triggerId: string }): Promise<{ secret: string }> {
  const trigger = await findOrThrow(db, params);
  if (trigger.kind !== "webhook") throw new AppError("BAD_REQUEST", { message: "Only a webhook trigger has a secret." });
  return { secret: await issueWebhookSecret(db, { userId: params.userId, triggerId: trigger.id }) };
}

/** Deletes the trigger, its events and its secret; the tasks it started stay. */
export async function deleteTrigger(db: Db, params: { userId: string; triggerId: string }): Promise<void> {
  const trigger = await findOrThrow(db, params);
  await db.$transaction(async (tx) => {
    await deleteWebhookSecret(tx, { userId: params.userId, triggerId: trigger.id });
    await tx.trigger.delete({ where: { id: trigger.id } });
  });
}

/** A mail trigger reads the person's connected mailbox: without one it could only fail. */
async function assertMailboxConnected(db: Db, userId: string): Promise<void> {
  const mailbox = await db.mailAccount.findUnique({ where: { userId }, select: { id: true } });
  if (!mailbox) {
    throw new AppError("BAD_REQUEST", { message: "Connect a mailbox under More → Mail first.", fieldErrors: { mailFolder: ["Connect a mailbox under More → Mail first."] } });
  }
}

async function viewOf(db: Db, trigger: Trigger, eventCount = 50): Promise<TriggerView> {
  const events =
    eventCount > 0
      ? await db.triggerEvent.findMany({ where: { triggerId: trigger.id, outcome: { not: "seen" } }, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], take: eventCount })
      : [];
  const taskIds = events.flatMap((event) => (event.taskId ? [event.taskId] : []));
  const tasks = taskIds.length ? await db.task.findMany({ where: { id: { in: taskIds }, userId: trigger.userId }, select: { id: true, status: true } }) : [];
  const statusOf = new Map(tasks.map((task) => [task.id, task.status]));
  const floor = (trigger.policyFloor ?? {}) as Record<string, unknown>;
  return {
    id: trigger.id,
    kind: trigger.kind,
    name: trigger.name,
    prompt: trigger.prompt,
    provider: trigger.provider,
    model: trigger.model,
    paused: trigger.paused,
    askBeforeActing: floor.external === "ask",
    planFirst: trigger.planFirst,
    rateLimitPerMinute: trigger.rateLimitPerMinute,
    dedupeHeader: trigger.dedupeHeader,
    dedupeField: trigger.dedupeField,
    feedUrl: trigger.feedUrl,
    calendarUrl: trigger.calendarUrl,
    leadMinutes: trigger.leadMinutes,
    mail:
      trigger.kind === "mail"
        ? {
            folder: trigger.mailFolder ?? "INBOX",
            from: trigger.mailFrom,
            subject: trigger.mailSubject,
            unreadOnly: trigger.mailUnreadOnly,
            description: describeMailFilter({ from: trigger.mailFrom, subject: trigger.mailSubject, unreadOnly: trigger.mailUnreadOnly }),
          }
        : null,
    pollIntervalSeconds: trigger.pollIntervalSeconds,
    lastPolledAt: trigger.lastPolledAt?.toISOString() ?? null,
    lastPollError: trigger.lastPollError,
    counts: {
      created: trigger.createdCount,
      deduped: trigger.dedupedCount,
      rateLimited: trigger.rateLimitedCount,
      skipped: trigger.skippedCount,
      rejected: trigger.rejectedCount,
      notModified: trigger.notModifiedCount,
    },
    lastRejectedAt: trigger.lastRejectedAt?.toISOString() ?? null,
    lastRejectedReason: trigger.lastRejectedReason,
    webhookPath: trigger.kind === "webhook" ? `/api/hooks/${trigger.id}` : null,
    events: events.map((event) => {
      const status = event.taskId ? statusOf.get(event.taskId) : undefined;
      return {
        id: event.id,
        outcome: event.outcome,
        preview: event.preview,
        receivedAt: event.receivedAt.toISOString(),
        duplicates: event.duplicates,
        task: event.taskId && status ? { id: event.taskId, status } : null,
      };
    }),
  };
}
