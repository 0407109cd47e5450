// The push delivery workflow, written once against the durable-context port (DBOS runs it on the
// worker; Inngest as a function); a person who turned mail notices on gets the notice by mail
// too, in its own step. Each device gets its own send steps: a busy push service (429,
// 5xx) is retried after a durable sleep that honours Retry-After, a 404/410 removes the
// subscription, any other refusal is recorded and left. Every outcome lands on the task's timeline.
import { signApprovalToken } from "@/lib/approvals/approval-tokens";
import type { Db } from "@/lib/db";
import type { DurableContext } from "@/lib/engine/port";
import { sendMailNotice } from "@/lib/mail/mail-notices";
import { takeoverLinkPath } from "@/lib/takeover/takeover-links";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { appendEvent } from "@/lib/tasks/timeline";
import { notificationRequest } from "./notification-request";
import { encodePushPayload } from "./payload";
import { planNotification, type NotificationPlan } from "./plan-notification";
import { pushConfig } from "./push-config";
import { sendPush, type PushOutcome, type SendPushOptions } from "./send-push";

export const MAX_SEND_ATTEMPTS = 5;
const MAX_BACKOFF_MS = 5 * 60_000;
const DB_STEP = { retries: 10 };

export interface PushDeliveryDeps {
  db: Db;
  /** Hosts push endpoints may use despite the SSRF guard (BATON_PUSH_ALLOWLIST). */
  allowlist: readonly string[];
  lookup?: SendPushOptions["lookup"];
  /** First backoff; doubles per attempt unless the push service names its own delay. */
  backoffMs?: number;
}

export async function deliverNotification(ctx: DurableContext, deps: PushDeliveryDeps, input: unknown): Promise<void> {
  const request = notificationRequest.parse(input);
  const plan = await ctx.step("plan", () => planNotification(deps.db, request), DB_STEP);
  if (!plan) return;
  // Mail first: a busy push service's backoff (minutes) must not hold an approval mail back. Only
  // plans that ask for mail have this step, so workflows started before it replay unchanged.
  if (plan.mail) await ctx.step("send-mail", () => mailNotice(deps, request.userId, request.id, plan), { retries: 3 });
  for (const target of plan.targets) {
    for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS; attempt++) {
      const retryInMs = await ctx.step(`send-${target.subscriptionId}-${attempt}`, () => sendToDevice(deps, plan, target, attempt));
      if (retryInMs === null) break;
      await ctx.sleep(`backoff-${target.subscriptionId}-${attempt}`, retryInMs);
    }
  }
}

/** The same notice by mail, with the same token pair signed into its links. */
async function mailNotice(deps: PushDeliveryDeps, userId: string, notificationId: string, plan: NotificationPlan): Promise<void> {
  const { authSecret } = await instanceSecrets(deps.db);
  const approve = plan.tokens.find((claims) => claims.decision === "approve");
  const deny = plan.tokens.find((claims) => claims.decision === "deny");
  const tokens = approve && deny ? { approve: signApprovalToken(authSecret, approve), deny: signApprovalToken(authSecret, deny) } : undefined;
  await sendMailNotice(deps.db, { userId, notificationId, plan, tokens, expiresAt: approve ? new Date(approve.exp * 1000) : undefined });
}

/** One attempt at one device; returns how long to wait before the next attempt, or null if done. */
async function sendToDevice(deps: PushDeliveryDeps, plan: NotificationPlan, target: NotificationPlan["targets"][number], attempt: number): Promise<number | null> {
  const { db } = deps;
  const record = (type: string, message: string, data: Record<string, unknown> = {}) =>
    plan.taskId
      ? appendEvent(db, { taskId: plan.taskId, runId: plan.runId ?? undefined, type, actor: "system", message, data: { kind: plan.message.kind, device: target.deviceName, attempt, ...data } })
      : Promise.resolve();

  const subscription = await db.pushSubscription.findUnique({ where: { id: target.subscriptionId } });
  if (!subscription) return null;
  const config = await pushConfig(db);
  if (!config.enabled) {
    await record("push.failed", `Notification not sent to ${target.deviceName}: ${config.reason}`);
    return null;
  }
  const { authSecret } = await instanceSecrets(db);
  const approve = plan.tokens.find((claims) => claims.decision === "approve");
  const deny = plan.tokens.find((claims) => claims.decision === "deny");
  const tokens = approve && deny ? { approve: signApprovalToken(authSecret, approve), deny: signApprovalToken(authSecret, deny) } : undefined;
  const takeoverUrl = plan.takeoverId ? await takeoverLinkPath(db, plan.takeoverId) : undefined;
  if (plan.takeoverId && !takeoverUrl) return null;
  const outcome: PushOutcome = await sendPush(
    {
      subscription,
      payload: encodePushPayload({ v: 1, ...plan.message, ...(takeoverUrl ? { url: takeoverUrl } : {}), ...(tokens ? { tokens } : {}) }),
      vapid: config.vapid,
      ttlSeconds: plan.ttlSeconds,
      urgency: plan.urgency,
    },
    { allowlist: deps.allowlist, lookup: deps.lookup },
  );

  switch (outcome.kind) {
    case "delivered":
      await db.pushSubscription.updateMany({ where: { id: subscription.id }, data: { lastSuccessAt: new Date(), lastFailure: null } });
      await record("push.delivered", `Notification sent to ${target.deviceName}`, { status: outcome.status });
      return null;
    case "gone":
      await db.pushSubscription.deleteMany({ where: { id: subscription.id } });
      await record("push.removed", `${target.deviceName} no longer takes notifications (push service answered ${outcome.status}); its subscription was removed`, {
        status: outcome.status,
      });
      return null;
    case "retry": {
      if (attempt >= MAX_SEND_ATTEMPTS) {
        await db.pushSubscription.updateMany({ where: { id: subscription.id }, data: { lastFailure: outcome.message } });
        await record("push.failed", `Gave up notifying ${target.deviceName} after ${attempt} attempts: ${outcome.message}`, { status: outcome.status });
        return null;
      }
      const backoff = Math.min(MAX_BACKOFF_MS, Math.max(outcome.retryAfterMs ?? 0, (deps.backoffMs ?? 1000) * 2 ** (attempt - 1)));
      await record("push.retrying", `Push service busy for ${target.deviceName} (${outcome.status ?? "no answer"}); trying again in ${Math.ceil(backoff / 1000)} s`, {
        status: outcome.status,
      });
      return backoff;
    }
    default:
      await db.pushSubscription.updateMany({ where: { id: subscription.id }, data: { lastFailure: outcome.message } });
      await record("push.failed", `Notification to ${target.deviceName} refused: ${outcome.message}`, { status: "status" in outcome ? outcome.status : null });
      return null;
  }
}
