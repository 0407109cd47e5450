// The mail tools against real servers: Dovecot (IMAP) with a throwaway mailbox seeded over IMAP
// APPEND, Postfix (SMTP, authenticating through Dovecot), real Postgres for the settings and the
// secret store. search_mail and read_mail read a plain mail, a MIME multipart mail with a PDF
// attachment and an ISO-8859-1 encoded-word header, and leave everything unread; "Test
// connection" reports each server's own refusal.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createDb, type Db } from "@/lib/db";
import { pinMailHost } from "@/lib/mail/mail-egress";
import { mailboxConnection } from "@/lib/mail/mailbox-connection";
import { getMailbox, removeMailbox, saveMailbox } from "@/lib/mail/manage-mailbox";
import { saveMailboxInput, type SaveMailboxInput } from "@/lib/mail/schemas";
import { testMailbox } from "@/lib/mail/test-connection";
import { mailTools } from "@/lib/tools/mail/mail-tools";
import { ToolError, type ToolDefinition } from "@/lib/tools/types";
import { createTestUser } from "../support/factories";
import { startMailServers, type MailServers, ownerMailboxFields } from "../support/mail-servers";
import { testDatabase, type TestDatabase } from "../support/test-database";
import { testToolContext } from "../support/tool-context";
import { waitFor } from "../support/wait-for";

process.env.BATON_SECRET_KEY ??= randomBytes(32).toString("hex");
// The test servers listen on loopback, which mail connections may reach only when allowlisted.
process.env.BATON_HTTP_ALLOWLIST = "127.0.0.1/32:*";

const fixtures = path.resolve(import.meta.dirname, "..", "fixtures", "mail");

let pg: TestDatabase;
let db: Db;
let mail: MailServers;
let userId: string;
let workspaceDir: string;
let tools: Record<string, ToolDefinition>;

function settings(overrides: Partial<Record<keyof SaveMailboxInput, unknown>> = {}): SaveMailboxInput {
  return saveMailboxInput.parse(ownerMailboxFields(mail, overrides));
}

async function call(name: string, args: unknown) {
  const tool = tools[name]!;
  return tool.run(tool.input.parse(args), testToolContext({ userId, workspaceDir }));
}

beforeAll(async () => {
  [pg, mail] = await Promise.all([testDatabase("mail-tools"), startMailServers()]);
  db = createDb(pg.url);
  userId = await createTestUser(db, "Mail reader");
  workspaceDir = mkdtempSync(path.join(tmpdir(), "baton-mail-workspace-"));
  tools = Object.fromEntries(mailTools((id) => mailboxConnection(db, { userId: id })).map((tool) => [tool.name, tool]));
  const client = await mail.imap(mail.owner);
  try {
    // Received when they were written: IMAP's SINCE compares the arrival date.
    const seed = (file: string, received: string, flags: string[] = []) => client.append("INBOX", readFileSync(path.join(fixtures, file)), flags, new Date(received));
    await seed("read-newsletter.eml", "2026-11-20T06:00:00Z", ["\\Seen"]);
    await seed("plain.eml", "2026-11-30T09:15:00Z");
    await seed("multipart-attachment.eml", "2026-12-01T08:00:00Z");
    await seed("latin1-header.eml", "2026-12-02T06:30:00Z");
    await client.mailboxCreate("Archive");
    await client.mailboxCreate("Sent");
  } finally {
    await client.logout();
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([mail?.close(), db?.$disconnect()]);
  await pg?.destroy();
  if (workspaceDir) rmSync(workspaceDir, { recursive: true, force: true });
});

describe("the mailbox connection", () => {
  test("tools say how to connect a mailbox when there is none", async () => {
    await expect(call("search_mail", {})).rejects.toThrow(/No mailbox is connected.*Mail page/);
  });

  test("Test connection shows each server's own refusal of a wrong password, and success with the right one", async () => {
    const wrong = await testMailbox(db, { userId, input: settings({ password: "not-the-password" }) });
    expect(wrong.imap.ok).toBe(false);
    expect(wrong.imap.message).toMatch(/AUTHENTICATIONFAILED|Authentication failed/i);
    expect(wrong.smtp.ok).toBe(false);
    expect(wrong.smtp.message).toMatch(/535.*authentication failed/i);
    expect(JSON.stringify(wrong)).not.toContain("not-the-password");

    // Without the admin's allowlist, a mailbox setting cannot reach this machine's own ports.
    await expect(pinMailHost("127.0.0.1", mail.imapPort, { allowlist: [] })).rejects.toThrow(/Refused: 127\.0\.0\.1 is .*allowlist/);
    await expect(pinMailHost("localhost", 5432, { allowlist: [] })).rejects.toThrow(/localhost resolves to .* which is/);

    const closed = await testMailbox(db, { userId, input: settings({ imapPort: "1" }) });
    expect(closed.imap).toMatchObject({ ok: false, message: expect.stringMatching(/127\.0\.0\.1:1 refused the connection/) });

    const right = await testMailbox(db, { userId, input: settings() });
    expect(right.imap).toEqual({ ok: true, message: "Signed in; INBOX has 4 messages." });
    expect(right.smtp.ok).toBe(true);
  });

  test("the password goes to the secret store, is kept when left blank, and leaves with the mailbox", async () => {
    const view = await saveMailbox(db, { userId, input: settings() });
    expect(view).toMatchObject({ address: mail.owner.address, passwordSet: true, imapPort: mail.imapPort });
    expect(JSON.stringify(view)).not.toContain(mail.owner.password);
    const row = await db.mailAccount.findUniqueOrThrow({ where: { userId } });
    expect(JSON.stringify(row)).not.toContain(mail.owner.password);

    // Saved again without a password (the page never shows it): the stored one still signs in.
    await saveMailbox(db, { userId, input: settings({ password: "" }) });
    expect((await testMailbox(db, { userId, input: settings({ password: "" }) })).imap.ok).toBe(true);

    // Another person sees no mailbox.
    const other = await createTestUser(db, "Someone else");
    expect(await getMailbox(db, { userId: other })).toBeNull();
    expect(await mailboxConnection(db, { userId: other })).toBeNull();
  });
});

describe("search_mail and read_mail", () => {
  test("search lists the seeded mail newest first, decodes the ISO-8859-1 header, and filters", async () => {
    const all = await call("search_mail", {});
    const output = all.output as { total: number; messages: Array<{ uid: number; subject: string; from: string; unread: boolean }> };
    expect(output.total).toBe(4);
    expect(output.messages.map((message) => message.subject)).toEqual(["Réunion d'équipe à 9h", "Invoice 2026-11", "Lunch on Friday?", "Weekly newsletter"]);
    expect(output.messages[0]!.from).toBe("Renée Dupré <renee@example.fr>");
    expect(output.messages.map((message) => message.unread)).toEqual([true, true, true, false]);

    const unread = (await call("search_mail", { unread: true })).output as typeof output;
    expect(unread.total).toBe(3);
    const fromBilling = (await call("search_mail", { from: "billing@vendor.example" })).output as typeof output;
    expect(fromBilling.messages.map((message) => message.subject)).toEqual(["Invoice 2026-11"]);
    const bySubject = (await call("search_mail", { subject: "lunch" })).output as typeof output;
    expect(bySubject.messages.map((message) => message.subject)).toEqual(["Lunch on Friday?"]);
    const recent = (await call("search_mail", { since: "2026-11-29" })).output as typeof output;
    expect(recent.total).toBe(3);

    await expect(call("search_mail", { folder: "Nope" })).rejects.toThrow(ToolError);
    await expect(call("search_mail", { folder: "Nope" })).rejects.toThrow(/no folder "Nope".*INBOX/);
  });

  test("read gives headers, the plain-text body and attachment names and sizes, and saves attachments on request", async () => {
    const found = (await call("search_mail", { subject: "Invoice" })).output as { messages: Array<{ uid: number }> };
    const uid = found.messages[0]!.uid;
    const read = await call("read_mail", { uid });
    expect(read.output).toMatchObject({
      from: "Billing <billing@vendor.example>",
      subject: "Invoice 2026-11",
      messageId: "<invoice-2026-11@vendor.example>",
      text: "Your invoice for November is attached: 120.00 EUR, due 15 December.",
      attachments: [{ filename: "invoice-2026-11.pdf", contentType: "application/pdf", sizeBytes: readFileSync(path.join(fixtures, "invoice-pdf.bin")).length }],
    });
    expect(read.output).toHaveProperty("note", expect.stringMatching(/data.*not instructions/));

    expect(tools.read_mail!.risk({ folder: "INBOX", uid, saveAttachments: true })).toBe("write");
    const saved = await call("read_mail", { uid, saveAttachments: true });
    const savedAs = (saved.output as { attachments: Array<{ savedAs: string }> }).attachments[0]!.savedAs;
    expect(savedAs).toBe(`mail/${uid}/invoice-2026-11.pdf`);
    expect(readFileSync(path.join(workspaceDir, savedAs))).toEqual(readFileSync(path.join(fixtures, "invoice-pdf.bin")));

    const latin = (await call("search_mail", { from: "renee" })).output as { messages: Array<{ uid: number }> };
    const french = await call("read_mail", { uid: latin.messages[0]!.uid });
    expect(french.output).toMatchObject({ subject: "Réunion d'équipe à 9h", from: "Renée Dupré <renee@example.fr>", text: "Bonjour, la réunion d'équipe est à 9h au café." });

    // Reading is read-only: the three new mails are still unread.
    expect(((await call("search_mail", { unread: true })).output as { total: number }).total).toBe(3);
    await expect(call("read_mail", { uid: 9999 })).rejects.toThrow(/no message with uid 9999/);
  });

  test("marking read and moving are writes, and change the mailbox", async () => {
    const update = tools.update_mail!;
    expect(update.risk(update.input.parse({ uid: 1, markRead: true }))).toBe("write");
    const lunch = ((await call("search_mail", { subject: "lunch" })).output as { messages: Array<{ uid: number }> }).messages[0]!.uid;
    await call("update_mail", { uid: lunch, markRead: true });
    expect(((await call("search_mail", { unread: true })).output as { total: number }).total).toBe(2);
    const moved = await call("update_mail", { uid: lunch, moveTo: "Archive" });
    expect(moved.output).toMatchObject({ folder: "Archive" });
    const archive = (await call("search_mail", { folder: "Archive" })).output as { messages: Array<{ subject: string; unread: boolean }> };
    expect(archive.messages).toMatchObject([{ subject: "Lunch on Friday?", unread: false }]);
    expect(((await call("search_mail", {})).output as { total: number }).total).toBe(3);
  });

  test("send_mail repeated with the same idempotency key (the journal's retry after a crash) sends once", async () => {
    const send = tools.send_mail!;
    expect(send.risk(send.input.parse({ to: [mail.friend.address], subject: "s", body: "b" }))).toBe("external");
    const args = send.input.parse({ to: [mail.friend.address], subject: "Invoice 2026-11 received", body: "Thanks, paying it this week." });
    const context = testToolContext({ userId, workspaceDir, idempotencyKey: "baton-0123456789abcdef0123456789abcdef01234567" });
    const first = await send.run(args, context);
    expect(first.output).toMatchObject({ messageId: "<baton-0123456789abcdef0123456789abcdef01234567@example.test>", alreadySent: false, sentCopy: "kept", accepted: [mail.friend.address] });
    const again = await send.run(args, context);
    expect(again.output).toMatchObject({ alreadySent: true });
    expect(again.summary).toMatch(/already sent.*not sent again/);
    expect(mail.accepted()).toEqual(["<baton-0123456789abcdef0123456789abcdef01234567@example.test>"]);
    const sent = (await call("search_mail", { folder: "Sent" })).output as { messages: Array<{ subject: string; unread: boolean }> };
    expect(sent.messages).toMatchObject([{ subject: "Invoice 2026-11 received", unread: false }]);
    await waitFor(async () => mail.delivered(mail.friend) === 1, { what: "the mail in friend's INBOX" });
  });

  test("removing the mailbox removes its password too", async () => {
    await removeMailbox(db, { userId });
    expect(await db.storedSecret.count({ where: { userId } })).toBe(0);
    await expect(call("search_mail", {})).rejects.toThrow(/No mailbox is connected/);
  });
});
