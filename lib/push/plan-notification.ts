// What a notification says and who gets it, read once when its delivery starts. Titles come from
// the person's own task; nothing from tool arguments or results beyond the approval's target
// goes into a payload, and everything passes the secret redactor.
import { mintApprovalTokens, type ApprovalTokenClaims } from "@/lib/approvals/approval-tokens";
import type { Db } from "@/lib/db";
import { wantsMailNotice } from "@/lib/mail/mail-notices";
import { redactSecrets } from "@/lib/redact";
import { subscribedKinds, type NotificationRequest } from "./notification-request";
import type { PushPayload } from "./payload";
import type { PushUrgency } from "./send-push";

const DAY_SECONDS = 24 * 3600;

export interface NotificationPlan {
  taskId: string | null;
  runId: string | null;
  message: Omit<PushPayload, "tokens" | "v">;
  urgency: PushUrgency;
  ttlSeconds: number;
  /** Approve and Deny token ids; signed per send so the token strings are never stored. */
  tokens: ApprovalTokenClaims[];
  targets: Array<{ subscriptionId: string; deviceName: string }>;
  /** The person takes this kind by mail too (lib/mail/mail-notices.ts). */
  mail: boolean;
  /** A takeover's link is minted per send (lib/takeover/takeover-links.ts), so its token is never stored. */
  takeoverId?: string;
}

const clip = (text: string, max: number) => {
  const clean = redactSecrets(text).replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};

export async function planNotification(db: Db, request: NotificationRequest): Promise<NotificationPlan | null> {
  const content = await describe(db, request);
  if (!content) return null;
  const subscriptions = await db.pushSubscription.findMany({
    where: { userId: request.userId, kinds: { hasSome: subscribedKinds(request.kind) } },
    select: { id: true, device: { select: { name: true } } },
  });
  const targets = subscriptions.map((row) => ({ subscriptionId: row.id, deviceName: row.device.name }));
  const mail = await wantsMailNotice(db, request);
  // One pair for every channel: whichever link is used first decides, and the rest are refused.
  const tokens = request.kind === "approval" && (targets.length || mail) && content.approval ? await mintApprovalTokens(db, content.approval) : [];
  return { taskId: content.taskId, runId: content.runId, message: content.message, urgency: content.urgency, ttlSeconds: content.ttlSeconds, tokens, targets, mail, ...(content.takeoverId ? { takeoverId: content.takeoverId } : {}) };
}

interface Content {
  taskId: string | null;
  runId: string | null;
  message: NotificationPlan["message"];
  urgency: PushUrgency;
  ttlSeconds: number;
  approval?: { id: string; expiresAt: Date };
  takeoverId?: string;
}

async function describe(db: Db, request: NotificationRequest): Promise<Content | null> {
  if (request.kind === "approval") {
    const approval = await db.approval.findFirst({
      where: { id: request.approvalId, userId: request.userId, status: "pending" },
      select: { id: true, taskId: true, runId: true, toolName: true, target: true, expiresAt: true, task: { select: { title: true } } },
    });
    if (!approval) return null;
    const ttlSeconds = Math.max(0, Math.floor((approval.expiresAt.getTime() - Date.now()) / 1000));
    return {
      taskId: approval.taskId,
      runId: approval.runId,
      approval,
      // Approvals cannot wait for a phone to wake up slowly; a stale one is worse than none.
      urgency: "high",
      ttlSeconds,
      message: {
        kind: "approval",
        title: clip(`Approve? ${approval.task.title}`, 120),
        body: clip(`${approval.toolName}: ${approval.target}`, 300),
        url: `/tasks/${approval.taskId}`,
        tag: `approval-${approval.id}`,
        actions: [
          { action: "approve", title: "Approve" },
          { action: "deny", title: "Deny" },
        ],
      },
    };
  }
  if (request.kind === "takeover") {
    const takeover = await db.takeover.findFirst({ where: { id: request.takeoverId, userId: request.userId, status: "waiting" }, select: { id: true, taskId: true, runId: true, reason: true } });
    const task = takeover && (await db.task.findFirst({ where: { id: takeover.taskId, userId: request.userId }, select: { title: true } }));
    if (!takeover || !task) return null;
    return {
      taskId: takeover.taskId,
      runId: takeover.runId,
      takeoverId: takeover.id,
      urgency: "high",
      // The link lasts 10 minutes; a push delivered later would only open a refusal.
      ttlSeconds: 600,
      message: { kind: "takeover", title: clip(`Baton needs you: ${task.title}`, 120), body: clip(takeover.reason, 300), url: `/tasks/${takeover.taskId}`, tag: `takeover-${takeover.id}` },
    };
  }
  if (request.kind === "completed" || request.kind === "failed") {
    const task = await db.task.findFirst({
      where: { id: request.taskId, userId: request.userId },
      select: { id: true, title: true, statusReason: true, runs: { orderBy: { number: "desc" }, take: 1, select: { id: true } } },
    });
    if (!task) return null;
    const completed = request.kind === "completed";
    return {
      taskId: task.id,
      runId: task.runs[0]?.id ?? null,
      urgency: "normal",
      ttlSeconds: DAY_SECONDS,
      message: {
        kind: request.kind,
        title: clip(`${completed ? "Done" : "Failed"}: ${task.title}`, 120),
        body: completed ? "The result is ready. Tap to open it." : clip(task.statusReason ?? "Tap to see what happened.", 300),
        url: completed ? `/tasks/${task.id}#result` : `/tasks/${task.id}`,
        tag: `task-${task.id}`,
      },
    };
  }
  const schedule = await db.schedule.findFirst({ where: { id: request.scheduleId, userId: request.userId }, select: { id: true, title: true, missedRuns: true } });
  if (!schedule) return null;
  return {
    taskId: null,
    runId: null,
    urgency: "normal",
    ttlSeconds: DAY_SECONDS,
    message: {
      kind: "schedule",
      title: clip(`Missed: ${schedule.title}`, 120),
      body: `Runs were missed while Baton was down (${schedule.missedRuns} so far). Tap to review the schedule.`,
      url: `/schedules/${schedule.id}`,
      tag: `schedule-${schedule.id}`,
    },
  };
}
