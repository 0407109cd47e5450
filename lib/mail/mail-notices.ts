// Notifications by mail: the device-independent channel (an iPhone without the installed app gets
// no web push). The notice goes from the person's own mailbox to their own address, over their own
// SMTP server; an approval notice carries the same single-use, expiring Approve and Deny tokens as
// a push, as links to a page that asks before it decides (mail scanners open links; a GET decides
// nothing).
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";
import type { NotificationPlan } from "@/lib/push/plan-notification";
import { appendEvent } from "@/lib/tasks/timeline";
import { MailServerError } from "./imap-session";
import { serverMessage } from "./mail-errors";
import { mailboxConnection } from "./mailbox-connection";
import { sendMail } from "./send-mail";

/** Whether this person takes this kind of notice by mail. */
export async function wantsMailNotice(db: Db, params: { userId: string; kind: string }): Promise<boolean> {
  return (await db.mailAccount.count({ where: { userId: params.userId, noticeKinds: { has: params.kind } } })) > 0;
}

/** Where mail links point: BATON_PUBLIC_URL, or this machine's own address. */
export function publicOrigin(): string {
  const config = env();
  return (config.BATON_PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, "");
}

export const approvalLinkPath = "/approvals/link";

export function approvalLink(origin: string, token: string): string {
  return `${origin}${approvalLinkPath}?token=${encodeURIComponent(token)}`;
}

export interface MailNotice {
  subject: string;
  text: string;
}

export function composeMailNotice(plan: NotificationPlan, links: { origin: string; approve?: string; deny?: string; expiresAt?: Date }): MailNotice {
  const { message } = plan;
  const lines = [message.body, "", `Open it: ${links.origin}${message.url}`];
  if (links.approve && links.deny) {
    lines.push(
      "",
      `Approve: ${approvalLink(links.origin, links.approve)}`,
      `Deny: ${approvalLink(links.origin, links.deny)}`,
      "",
      `Each link works once${links.expiresAt ? `, until ${links.expiresAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : ""}, and asks you to confirm before it decides.`,
    );
  }
  lines.push("", "-- ", "Baton. Turn these mails off on the Mail page.");
  return { subject: message.title, text: lines.join("\n") };
}

/**
 * Sends one notice; the Message-ID is stable per notification, so a repeat after a crash is the
 * same mail. Recorded on the task's timeline either way; a refusal is recorded, not thrown.
 */
export async function sendMailNotice(
  db: Db,
  params: { userId: string; notificationId: string; plan: NotificationPlan; tokens?: { approve: string; deny: string }; expiresAt?: Date },
): Promise<void> {
  const { plan } = params;
  const record = (type: string, text: string) =>
    plan.taskId ? appendEvent(db, { taskId: plan.taskId, runId: plan.runId ?? undefined, type, actor: "system", message: text, data: { kind: plan.message.kind, channel: "mail" } }) : Promise.resolve();
  let mailbox;
  try {
    mailbox = await mailboxConnection(db, { userId: params.userId });
  } catch (error) {
    if (!(error instanceof MailServerError)) throw error;
    await record("mail.notice_failed", `Notice by mail not sent: ${error.message}`.slice(0, 500));
    return;
  }
  if (!mailbox) return;
  const notice = composeMailNotice(plan, { origin: publicOrigin(), ...params.tokens, expiresAt: params.expiresAt });
  try {
    await sendMail(mailbox.smtp, { from: mailbox.address, to: [mailbox.address], subject: notice.subject, text: notice.text, idempotencyKey: `baton-notice-${params.notificationId}` });
  } catch (error) {
    await record("mail.notice_failed", `Notice by mail to ${mailbox.address} not sent: ${serverMessage(error)}`.slice(0, 500));
    return;
  }
  await record("mail.notice_sent", `Notice sent by mail to ${mailbox.address}`);
}
