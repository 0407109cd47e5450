// The new-mail trigger on the Inngest backend: the schedule tick function, run by @inngest/test's
// engine behind the in-process stand-in for the Inngest server, polls a real Dovecot mailbox. The
// first tick baselines, a new matching mail starts one task and asks Inngest for its run once,
// and the next tick repeats nothing.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startScriptedModelServer, type ScriptedModelServer } from "@/lib/agent/scripted-model/server";
import { createDb, type Db } from "@/lib/db";
import { RUN_REQUESTED_EVENT } from "@/lib/engine/inngest/names";
import { saveMailbox } from "@/lib/mail/manage-mailbox";
import { saveMailboxInput } from "@/lib/mail/schemas";
import { createTrigger } from "@/lib/triggers/manage-triggers";
import { triggerInput } from "@/lib/triggers/schemas";
import { configureModelsInThisProcess } from "../support/agent-harness";
import { createTestUser } from "../support/factories";
import { startInngestBackend, type InngestBackend } from "../support/inngest-backend";
import { startMailServers, type MailServers, ownerMailboxFields } from "../support/mail-servers";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { workflowScript } from "../support/workflow-scenarios";

configureModelsInThisProcess();
process.env.BATON_SECRET_KEY ??= randomBytes(32).toString("hex");
// The test's Dovecot listens on loopback, which mail connections may reach only when allowlisted.
process.env.BATON_HTTP_ALLOWLIST = "127.0.0.1/32:*";

let pg: TestDatabase;
let db: Db;
let mail: MailServers;
let model: ScriptedModelServer;
let inngest: InngestBackend;

beforeAll(async () => {
  [pg, mail] = await Promise.all([testDatabase("inngest-mail-trigger"), startMailServers()]);
  db = createDb(pg.url);
  model = await startScriptedModelServer({ latencyMs: 50, script: workflowScript.script });
  inngest = startInngestBackend({ db, model, approvalTtlMs: 60_000 });
}, 60_000);

afterAll(async () => {
  inngest?.close();
  await Promise.allSettled([db?.$disconnect(), model?.close(), mail?.close()]);
  await pg?.destroy();
});

test("a mail trigger is polled by the Inngest tick: the first poll baselines, a new matching mail then starts one task and its run", async () => {
  const userId = await createTestUser(db);
  await saveMailbox(db, {
    userId,
    input: saveMailboxInput.parse(ownerMailboxFields(mail)),
  });
  const append = async (subject: string) => {
    const client = await mail.imap(mail.owner);
    try {
      await client.append("INBOX", `From: billing@acme.test\r\nTo: ${mail.owner.address}\r\nSubject: ${subject}\r\n\r\nSee attached.\r\n`);
    } finally {
      await client.logout();
    }
  };
  await append("Invoice 1 (already there)");
  const input = triggerInput.parse({ kind: "mail", name: "Invoices", prompt: "File the invoice.", mailSubject: "invoice", pollIntervalSeconds: 60 });
  const { trigger } = await createTrigger(db, { ...input, userId });
  const tick = async () => {
    // Due now: the tick's own clock decides, so move the next poll back rather than waiting a minute.
    await db.trigger.update({ where: { id: trigger.id }, data: { nextPollAt: new Date(Date.now() - 1_000) } });
    const run = inngest.server.invoke(inngest.functions.scheduleTick, { name: "inngest/scheduled.timer", data: { cron: "* * * * *" } });
    await run.done;
    return run.output as { triggers: { polled: number; created: number } };
  };

  expect((await tick()).triggers).toEqual({ polled: 1, created: 0 });
  await append("Invoice 2");
  await append("Lunch?");
  expect((await tick()).triggers).toEqual({ polled: 1, created: 1 });
  expect((await tick()).triggers).toEqual({ polled: 1, created: 0 });

  const tasks = await db.task.findMany({ where: { userId }, include: { runs: true } });
  expect(tasks).toHaveLength(1);
  expect(tasks[0]!.prompt).toContain('"subject": "Invoice 2"');
  expect(inngest.server.events.filter((event) => event.name === RUN_REQUESTED_EVENT && event.data.runId === tasks[0]!.runs[0]!.id)).toHaveLength(1);
});
