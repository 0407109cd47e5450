// Notifications by mail, against real servers: the delivery workflow (steps run inline; the
// engines' durability is tested elsewhere) sends the notice from the person's own mailbox over
// Postfix, it lands in their Dovecot INBOX, and the Approve link read out of that mail decides the
// approval once; the same link, or the Deny link, is refused afterwards.
import { randomBytes } from "node:crypto";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideWithToken } from "@/lib/approvals/approval-tokens";
import { createDb, type Db } from "@/lib/db";
import type { DurableContext } from "@/lib/engine/port";
import { saveMailbox } from "@/lib/mail/manage-mailbox";
import { createSchedule } from "@/lib/schedules/manage-schedules";
import { createScheduleInput } from "@/lib/schedules/schemas";
import { saveMailboxInput } from "@/lib/mail/schemas";
import { deliverNotification } from "@/lib/push/deliver-notification";
import { hasSubscribers } from "@/lib/push/subscriptions";
import { instanceSecrets } from "@/lib/secrets/instance-secrets";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { expectAppError } from "../support/agent-harness";
import { createPendingApproval } from "../support/factories";
import { startMailServers, type MailServers, ownerMailboxFields } from "../support/mail-servers";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

process.env.BATON_SECRET_KEY ??= randomBytes(32).toString("hex");
// The test servers listen on loopback, which mail connections may reach only when allowlisted.
process.env.BATON_HTTP_ALLOWLIST = "127.0.0.1/32:*";
process.env.BATON_PUBLIC_URL = "https://baton.example.com";

let pg: TestDatabase;
let db: Db;
let mail: MailServers;
const signals: unknown[] = [];
const engine = { startRun: async () => {}, signal: async (...args: unknown[]) => void signals.push(args), deliverNotification: async () => {}, cancel: async () => {} };

const inline: DurableContext = { step: (_name, fn) => fn({ mayHaveRun: false }), waitForSignal: async () => null, sleep: async () => {} };

async function personWithMailbox(noticeKinds: string[]) {
  const user = await db.user.create({ data: { email: `${randomBytes(6).toString("hex")}@test.invalid`, name: "Phone-less person" }, select: { id: true } });
  const input = saveMailboxInput.parse(ownerMailboxFields(mail, { noticeKinds }));
  await saveMailbox(db, { userId: user.id, input });
  return user.id;
}

/** The one mail in the owner's INBOX whose subject starts so, parsed. */
async function noticeMail(subjectStart: string) {
  return waitFor(
    async () => {
      const client = await mail.imap(mail.owner);
      try {
        const lock = await client.getMailboxLock("INBOX");
        try {
          for await (const message of client.fetch("1:*", { source: true, envelope: true })) {
            if (message.envelope?.subject?.startsWith(subjectStart) && message.source) return simpleParser(message.source);
          }
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
      return undefined;
    },
    { what: `a mail "${subjectStart}…" in the owner's INBOX` },
  );
}

const linkToken = (text: string, label: "Approve" | "Deny") => {
  const match = new RegExp(`^${label}: (https://baton\\.example\\.com/approvals/link\\?token=(\\S+))$`, "m").exec(text);
  expect(match, `a ${label} link in:\n${text}`).not.toBeNull();
  return decodeURIComponent(match![2]!);
};

beforeAll(async () => {
  [pg, mail] = await Promise.all([testDatabase("mail-notices"), startMailServers()]);
  db = createDb(pg.url);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([mail?.close(), db?.$disconnect()]);
  await pg?.destroy();
});

describe("notifications by mail", () => {
  test("an approval mail's Approve link decides once and is refused the second time; its Deny link then too", async () => {
    const userId = await personWithMailbox(["approval"]);
    expect(await hasSubscribers(db, { userId, kind: "approval" })).toBe(true);
    const approval = await createPendingApproval(db, { userId, title: "Post the weekly report" });
    await deliverNotification(inline, { db, allowlist: [] }, { id: `approval-${approval.approvalId}`, kind: "approval", userId, taskId: approval.taskId, approvalId: approval.approvalId });

    const notice = await noticeMail("Approve? Post the weekly report");
    expect(notice.from?.text).toBe(mail.owner.address);
    expect(notice.to && !Array.isArray(notice.to) ? notice.to.text : "").toBe(mail.owner.address);
    expect(notice.text).toContain("http_request: POST https://hooks.example.com/report");
    expect(notice.text).toContain(`Open it: https://baton.example.com/tasks/${approval.taskId}`);
    expect(notice.text).toMatch(/Each link works once, until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    const approve = linkToken(notice.text ?? "", "Approve");
    const deny = linkToken(notice.text ?? "", "Deny");

    const { authSecret } = await instanceSecrets(db);
    const deps = { db, engine, tools: builtinArgumentValidator, authSecret };
    const decided = await decideWithToken(deps, approve, { ip: "203.0.113.7", via: "mail" });
    expect(decided.status).toBe("approved");
    expect(await db.approval.findUniqueOrThrow({ where: { id: approval.approvalId } })).toMatchObject({ status: "approved", decidedVia: "mail" });

    const again = await expectAppError(decideWithToken(deps, approve, { ip: "203.0.113.7", via: "mail" }), "FORBIDDEN");
    expect(again.message).toMatch(/already used/);
    await expect(decideWithToken(deps, deny, { ip: "203.0.113.7", via: "mail" })).rejects.toThrow();
    expect((await db.approval.findUniqueOrThrow({ where: { id: approval.approvalId } })).status).toBe("approved");
    const refusals = await db.securityEvent.findMany({ where: { subject: approval.approvalId, type: "approval_token.replayed" } });
    expect(refusals).toHaveLength(1);

    const events = await db.timelineEvent.findMany({ where: { taskId: approval.taskId, type: { in: ["mail.notice_sent", "approval.token_refused"] } }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.type)).toEqual(["mail.notice_sent", "approval.token_refused"]);
    expect(mail.accepted()).toHaveLength(1);
  });

  test("a finished task's notice links to its result; kinds left off send nothing", async () => {
    const before = mail.accepted().length;
    const userId = await personWithMailbox(["completed"]);
    const { taskId } = await createPendingApproval(db, { userId, title: "Summarise the inbox" });
    await db.task.update({ where: { id: taskId }, data: { status: "completed" } });

    expect(await hasSubscribers(db, { userId, kind: "failed" })).toBe(false);
    await deliverNotification(inline, { db, allowlist: [] }, { id: `failed-${taskId}`, kind: "failed", userId, taskId });
    await deliverNotification(inline, { db, allowlist: [] }, { id: `completed-${taskId}`, kind: "completed", userId, taskId });

    const notice = await noticeMail("Done: Summarise the inbox");
    expect(notice.text).toContain(`Open it: https://baton.example.com/tasks/${taskId}#result`);
    expect(notice.text).not.toMatch(/Approve:|Deny:/);
    // Sending is synchronous with Postfix's acceptance: only the completed notice went out.
    expect(mail.accepted().slice(before)).toHaveLength(1);
  });

  test("a missed schedule run is mailed with a link to the schedule", async () => {
    const userId = await personWithMailbox(["schedule"]);
    const schedule = await createSchedule(db, { ...createScheduleInput.parse({ title: "Hourly inbox sweep", prompt: "p", cron: "0 * * * *", timezone: "UTC" }), userId });
    await db.schedule.update({ where: { id: schedule.id }, data: { missedRuns: 3 } });
    await deliverNotification(inline, { db, allowlist: [] }, { id: `schedule-missed-${schedule.id}`, kind: "schedule", userId, scheduleId: schedule.id });
    const notice = await noticeMail("Missed: Hourly inbox sweep");
    expect(notice.text).toContain("(3 so far)");
    expect(notice.text).toContain(`Open it: https://baton.example.com/schedules/${schedule.id}`);
  });
});
