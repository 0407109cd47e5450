// send_mail end to end: the real worker, the real OpenAI SDK against the scripted model, real
// Postgres, and real Postfix + Dovecot started by the test. send_mail is external, so the default
// policy asks; the approval shows the draft; after Approve, Postfix accepts exactly one message
// (its Message-ID derived from the call's idempotency key) and it reaches the recipient's INBOX;
// after Deny, none does.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { DbosDispatcher } from "@/lib/engine/dbos/dispatcher";
import { saveMailbox } from "@/lib/mail/manage-mailbox";
import { saveMailboxInput } from "@/lib/mail/schemas";
import { createTask } from "@/lib/tasks/create-task";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import {
  OPENAI_MODEL,
  answerOf,
  assistantTurns,
  configureModelsInThisProcess,
  lastToolResult,
  scenarios,
  startAgentWorker,
  timeline,
  waitForPendingApproval,
  waitForStatus,
  type AgentWorker,
} from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { startMailServers, type MailServers, ownerMailboxFields } from "../support/mail-servers";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();
const SECRET_KEY = randomBytes(32).toString("hex");
process.env.BATON_SECRET_KEY = SECRET_KEY;

let pg: TestDatabase;
let db: Db;
let engine: DbosDispatcher;
let model: ScriptedModelServer;
let worker: AgentWorker;
let mail: MailServers;
let userId: string;

const scripted = scenarios({
  reply: ({ input }) => {
    const first = input[0]?.type === "user" ? input[0].text : "";
    const subject = /subject=(.+)$/m.exec(first)?.[1] ?? "Hello";
    if (assistantTurns(input) === 0) {
      return {
        text: "I will send the reply.",
        toolCalls: [{ name: "send_mail", arguments: { to: [mail.friend.address], subject, body: "Friday at 12:30 works for me.\n\nOwner" } }],
      };
    }
    return { text: `# Reply\n\nThe tool said: ${lastToolResult(input)?.output ?? "(nothing)"}` };
  },
});

beforeAll(async () => {
  [pg, mail] = await Promise.all([testDatabase("mail-send"), startMailServers()]);
  db = createDb(pg.url);
  engine = new DbosDispatcher(pg.url);
  model = await startScriptedModelServer({ latencyMs: 100, script: scripted.script });
  worker = await startAgentWorker({ databaseUrl: pg.url, workerId: `mail-send-${randomUUID().slice(0, 8)}`, model, env: { BATON_SECRET_KEY: SECRET_KEY } });
  userId = await createTestUser(db, "Sender");
  const input = saveMailboxInput.parse(ownerMailboxFields(mail, { noticeKinds: [] }));
  await saveMailbox(db, { userId, input });
}, 120_000);

afterAll(async () => {
  await worker?.kill("SIGTERM");
  await Promise.allSettled([engine?.close(), db?.$disconnect(), model?.close(), mail?.close()]);
  await pg?.destroy();
});

async function startReply(subject: string) {
  const { prompt } = scripted.prompt("reply", `Answer Alice's lunch mail.\nsubject=${subject}`);
  const { task } = await createTask({ db, engine }, { userId, title: `Reply: ${subject}`, prompt, ...OPENAI_MODEL });
  const approval = await waitForPendingApproval(db, task.id, worker);
  return { task, approval };
}

describe("send_mail", () => {
  test("asks first, showing the draft; after Approve the SMTP server receives exactly one message", async () => {
    const subject = "Re: Lunch on Friday?";
    const { task, approval } = await startReply(subject);
    expect(approval.toolName).toBe("send_mail");
    expect(approval.risk).toBe("external");
    expect(approval.target).toBe(`mail to ${mail.friend.address}: "${subject}"`);
    expect(approval.arguments).toEqual({ to: [mail.friend.address], subject, body: "Friday at 12:30 works for me.\n\nOwner" });
    // Nothing leaves while the person decides.
    expect(mail.accepted()).toEqual([]);

    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", userId, approvalId: approval.id, decision: "approve" });
    const finished = await waitForStatus(db, task.id, "completed", worker);
    expect(finished.status).toBe("completed");

    const effect = await db.effect.findFirstOrThrow({ where: { run: { taskId: task.id }, tool: "send_mail" } });
    const messageId = `<${effect.idempotencyKey}@example.test>`;
    await waitFor(async () => mail.delivered(mail.friend) === 1, { what: "the reply in friend's INBOX" });
    expect(mail.accepted()).toEqual([messageId]);

    const client = await mail.imap(mail.friend);
    try {
      await client.mailboxOpen("INBOX");
      const received = await client.fetchOne("*", { envelope: true, source: true });
      expect(received && received.envelope).toMatchObject({ subject, messageId, from: [{ address: mail.owner.address }] });
      expect(received && received.source?.toString()).toContain("Friday at 12:30 works for me.");
    } finally {
      await client.logout();
    }

    // Sent mail is on the timeline, and the model was told what the server said.
    const events = await timeline(db, task.id);
    const sent = events.find((event) => event.type === "tool.called" && (event.data as { tool?: string }).tool === "send_mail");
    expect(sent?.message).toBe(`send_mail: Sent "${subject}" to ${mail.friend.address}`);
    const run = await db.run.findFirstOrThrow({ where: { taskId: task.id } });
    expect(await answerOf(db, run.id)).toContain(messageId);
  });

  test("after Deny nothing is sent", async () => {
    const before = mail.accepted().length;
    const { task, approval } = await startReply("Re: Not this one");
    await decideApproval({ db, engine, tools: builtinArgumentValidator }, { via: "api", userId, approvalId: approval.id, decision: "deny", note: "Don't answer." });
    await waitForStatus(db, task.id, "completed", worker);
    const effects = await db.effect.count({ where: { run: { taskId: task.id }, tool: "send_mail" } });
    expect(effects).toBe(0);
    expect(mail.accepted().length).toBe(before);
    expect(mail.delivered(mail.friend)).toBe(1);
  });
});
