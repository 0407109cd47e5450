// A new-mail trigger with the real worker processes (their own tick, 200 ms), the real OpenAI SDK
// against the scripted model, a real Dovecot and Postfix, and a database of their own: two workers
// poll the inbox, one is killed with SIGKILL and started again, and each mail sent over SMTP that
// matches the filter starts exactly one task, which completes with the mail's subject in its answer.
import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { saveMailbox } from "@/lib/mail/manage-mailbox";
import { saveMailboxInput } from "@/lib/mail/schemas";
import { createTrigger } from "@/lib/triggers/manage-triggers";
import { triggerInput } from "@/lib/triggers/schemas";
import { configureModelsInThisProcess, scenarios, startAgentWorker, waitForStatus, type AgentWorker } from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { startMailServers, type MailServers, ownerMailboxFields } from "../support/mail-servers";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { waitFor } from "../support/wait-for";

configureModelsInThisProcess();
// The mailbox password this process seals is opened by the workers: one key for all.
const SECRET_KEY = randomUUID().replace(/-/g, "").repeat(2);
process.env.BATON_SECRET_KEY = SECRET_KEY;
process.env.BATON_HTTP_ALLOWLIST = "127.0.0.1/32:*";

let pg: TestDatabase;
let db: Db;
let mail: MailServers;
let model: ScriptedModelServer;
let workers: AgentWorker[] = [];

const scripted = scenarios({
  file: ({ input }) => {
    const prompt = input[0]?.type === "user" ? input[0].text : "";
    return { text: `# Filed\n\n${/"subject": "([^"]+)"/.exec(prompt)?.[1] ?? "nothing"}` };
  },
});

const workerOptions = (name: string) => ({
  databaseUrl: pg.url,
  workerId: `${name}-${randomUUID().slice(0, 8)}`,
  model,
  env: { BATON_SCHEDULE_TICK_MS: "200", BATON_SECRET_KEY: SECRET_KEY },
});

beforeAll(async () => {
  [pg, mail] = await Promise.all([testDatabase("mail-trigger-worker"), startMailServers()]);
  db = createDb(pg.url);
  model = await startScriptedModelServer({ latencyMs: 100, script: scripted.script });
  workers = await Promise.all([startAgentWorker(workerOptions("mail-a")), startAgentWorker(workerOptions("mail-b"))]);
});

afterAll(async () => {
  await Promise.allSettled(workers.map((worker) => worker.kill("SIGTERM")));
  await Promise.allSettled([db?.$disconnect(), model?.close(), mail?.close()]);
  await pg?.destroy();
});

describe("a mail trigger with real workers", () => {
  it("two workers, one killed with SIGKILL and restarted: each new matching mail sent over SMTP starts exactly one task", async () => {
    const userId = await createTestUser(db, "Mail filer");
    await saveMailbox(db, {
      userId,
      input: saveMailboxInput.parse(ownerMailboxFields(mail)),
    });
    const smtp = nodemailer.createTransport({ host: mail.host, port: mail.smtpPort, secure: false, ignoreTLS: true, auth: { user: mail.friend.user, pass: mail.friend.password } });
    const send = async (subject: string) => {
      const before = mail.delivered(mail.owner);
      await smtp.sendMail({ from: mail.friend.address, to: mail.owner.address, subject, text: `About: ${subject}` });
      await waitFor(async () => mail.delivered(mail.owner) > before, { what: `Postfix to deliver "${subject}"` });
    };
    await send("Invoice 1 (there before the trigger)");

    const { prompt } = scripted.prompt("file", "File the invoice.");
    const { trigger } = await createTrigger(db, { ...triggerInput.parse({ kind: "mail", name: "Invoices", prompt, mailSubject: "invoice", pollIntervalSeconds: 60 }), userId });
    const row = () => db.trigger.findUniqueOrThrow({ where: { id: trigger.id } });
    const tasks = () => db.task.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
    /** Makes the trigger due now and waits until a worker has polled it. */
    const pollNow = async () => {
      const asked = new Date();
      await db.trigger.update({ where: { id: trigger.id }, data: { nextPollAt: asked } });
      await waitFor(async () => ((await row()).lastPolledAt ?? new Date(0)) >= asked, { what: "a worker to poll the mailbox" });
    };

    await waitFor(async () => (await row()).mailUidValidity !== null, { what: "the first poll (baseline)" });
    expect((await row()).lastPollError).toBeNull();

    await send("Invoice 2");
    await send("Lunch on Friday?");
    await pollNow();
    await waitFor(async () => (await tasks()).length === 1, { what: "the second invoice's task" });

    await workers[0]!.kill("SIGKILL");
    workers[0] = await startAgentWorker(workerOptions("mail-a-again"));
    await send("Invoice 3");
    await pollNow();
    await waitFor(async () => (await tasks()).length === 2, { what: "the third invoice's task" });
    await pollNow();
    await pollNow();
    smtp.close();

    const all = await tasks();
    expect(all).toHaveLength(2);
    for (const task of all) await waitForStatus(db, task.id, "completed", workers[1]);
    const answers = await db.artifact.findMany({ where: { taskId: { in: all.map((task) => task.id) }, name: "answer.md" } });
    // The two tasks run side by side: which answer is written first is the workers' business.
    expect(answers.map((answer) => Buffer.from(answer.content).toString("utf8")).sort()).toEqual(["# Filed\n\nInvoice 2", "# Filed\n\nInvoice 3"]);
    expect((await row()).createdCount).toBe(2);
  });
});
