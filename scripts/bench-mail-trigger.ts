// npm run bench:mail-trigger: what checking a mail trigger costs. Starts its own embedded Postgres
// and a real Dovecot (tests/support/mail-servers.ts, so root and dovecot-imapd + postfix), makes a
// mail trigger on a folder holding BENCH_MAIL_EXISTING mails, and times pollDueTriggers as the
// worker's tick runs it:
// - the first check (baseline), whatever the folder holds;
// - a check where nothing arrived (one short IMAP session), BENCH_MAIL_IDLE_POLLS times;
// - a check that finds a burst of 50 new mails (half matching the filter) and starts their tasks.
//
//   BENCH_MAIL_EXISTING=2000  BENCH_MAIL_IDLE_POLLS=20  BENCH_PG_PORT=25437
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { createDb } from "../lib/db";
import type { TaskDispatcher } from "../lib/engine/port";
import { saveMailbox } from "../lib/mail/manage-mailbox";
import { saveMailboxInput } from "../lib/mail/schemas";
import { createTrigger } from "../lib/triggers/manage-triggers";
import { MAIL_PER_POLL } from "../lib/triggers/new-mail";
import { pollDueTriggers } from "../lib/triggers/poll-triggers";
import { triggerInput } from "../lib/triggers/schemas";
import { createTestUser } from "../tests/support/factories";
import { startMailServers } from "../tests/support/mail-servers";
import { startTestPostgres } from "../tests/support/test-postgres";
import { percentile } from "./bench/measure";

const options = z
  .object({
    BENCH_MAIL_EXISTING: z.coerce.number().int().min(0).max(100_000).default(2000),
    BENCH_MAIL_IDLE_POLLS: z.coerce.number().int().min(1).max(1000).default(20),
    // Ports 25430-25439 are the bench's; others belong to running Batons and test suites.
    BENCH_PG_PORT: z.coerce.number().int().min(25430).max(25439).default(25437),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith("BENCH_") && value !== "")));

process.env.BATON_SECRET_KEY ??= randomBytes(32).toString("hex");
process.env.BATON_HTTP_ALLOWLIST = "127.0.0.1/32:*";

const engine: TaskDispatcher = { startRun: async () => {}, signal: async () => {}, deliverNotification: async () => {} };
const fetchFeed = async () => {
  throw new Error("no feeds in this bench");
};

function raw(i: number, matching: boolean): string {
  const from = matching ? "Acme Billing <billing@acme.test>" : `Someone ${i} <someone${i}@example.test>`;
  const subject = matching ? `Invoice ${i}` : `Hello ${i}`;
  return `From: ${from}\r\nTo: owner@example.test\r\nSubject: ${subject}\r\nDate: Thu, 03 Dec 2026 06:00:00 +0000\r\nMessage-ID: <bench-${i}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${"A line of an ordinary mail body.\r\n".repeat(40)}`;
}

async function main() {
  const postgres = await startTestPostgres(options.BENCH_PG_PORT);
  const mail = await startMailServers();
  const db = createDb(postgres.url);
  try {
    const userId = await createTestUser(db, "Bench");
    const settings = { address: mail.owner.address, username: mail.owner.user, password: mail.owner.password, imapHost: mail.host, imapPort: String(mail.imapPort), imapSecurity: "none" };
    await saveMailbox(db, { userId, input: saveMailboxInput.parse({ ...settings, smtpHost: mail.host, smtpPort: String(mail.smtpPort), smtpSecurity: "none", noticeKinds: undefined }) });
    const client = await mail.imap(mail.owner);
    await client.mailboxCreate("Bench");
    for (let i = 0; i < options.BENCH_MAIL_EXISTING; i++) await client.append("Bench", raw(i, i % 2 === 0));
    const input = triggerInput.parse({ kind: "mail", name: "Bench", prompt: "p", mailFolder: "Bench", mailFrom: "billing@acme", mailSubject: "invoice", rateLimitPerMinute: 600, pollIntervalSeconds: 60 });
    await createTrigger(db, { ...input, userId });

    let minutes = 0;
    const poll = async () => {
      const started = performance.now();
      const summary = await pollDueTriggers({ db, engine, fetchFeed }, new Date(Date.now() + (minutes += 2) * 60_000));
      return { ms: performance.now() - started, ...summary };
    };
    const baseline = await poll();
    const idle: number[] = [];
    for (let i = 0; i < options.BENCH_MAIL_IDLE_POLLS; i++) idle.push((await poll()).ms);
    for (let i = 0; i < MAIL_PER_POLL; i++) await client.append("Bench", raw(options.BENCH_MAIL_EXISTING + i, i % 2 === 0));
    await client.logout();
    const burst = await poll();

    const f = (ms: number) => `${ms.toFixed(1)} ms`;
    console.log(`mail trigger on a folder of ${options.BENCH_MAIL_EXISTING} mails (Dovecot on loopback, Postgres embedded):`);
    console.log(`  first check (baseline):           ${f(baseline.ms)}, ${baseline.created} tasks`);
    console.log(`  check, nothing new (n=${idle.length}):       p50 ${f(percentile(idle, 0.5))}, p95 ${f(percentile(idle, 0.95))}`);
    console.log(`  check, ${MAIL_PER_POLL} new (${burst.created} matching): ${f(burst.ms)} (${f(burst.ms / Math.max(1, burst.created))} per task started)`);
  } finally {
    await db.$disconnect();
    await mail.close();
    await postgres.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
