// A new-mail trigger made on a phone (the owner's) against a real Dovecot and Postfix (started by this test on
// loopback, which the e2e Baton allowlists): the person connects the mailbox, makes the trigger,
// the worker's tick baselines the inbox, and a mail a friend sends over SMTP afterwards starts one
// task that completes and shows on the trigger's page; a mail not matching the filter starts none.
import { expect, test } from "@playwright/test";
import nodemailer from "nodemailer";
import { startMailServers, type MailServers } from "../support/mail-servers";
import { openPage, phone } from "./support/baton";
import { smallTapTargets } from "./support/tap-targets";

let mail: MailServers;

test.beforeAll(async () => {
  mail = await startMailServers();
});

test.afterAll(async () => {
  await mail?.close();
});

test("a new-mail trigger: made on a phone, one task for a new matching mail, none for another", async ({ browser, baseURL }) => {
  // The first poll comes at once, the next one a minute later (the shortest interval).
  test.setTimeout(180_000);
  const page = await openPage(browser, phone, baseURL);

  await page.goto("/triggers/new?kind=mail");
  await expect(page.getByTestId("no-mailbox")).toBeVisible();

  await page.goto("/mail");
  await page.getByLabel("Your address").fill(mail.owner.address);
  await page.getByLabel("User name").fill(mail.owner.user);
  await page.getByLabel("Password or app password").fill(mail.owner.password);
  for (const kind of ["imap", "smtp"] as const) {
    await page.locator(`#mailbox-${kind}Host`).fill(mail.host);
    await page.locator(`#mailbox-${kind}Port`).fill(String(kind === "imap" ? mail.imapPort : mail.smtpPort));
    await page.locator(`#mailbox-${kind}Security`).selectOption("none");
  }
  await page.getByRole("button", { name: "Connect mailbox" }).tap();
  await expect(page.getByRole("heading", { name: `Connected: ${mail.owner.address}` })).toBeVisible();

  await page.goto("/triggers/new");
  await page.getByRole("link", { name: /New mail/ }).tap();
  await expect(page).toHaveURL(/kind=mail$/);
  await expect(page.getByText(`Reads ${mail.owner.address}`)).toBeVisible();
  expect(await smallTapTargets(page)).toEqual([]);
  await page.getByLabel("Name").fill("Acme invoices");
  await page.getByLabel("What should Baton do with each event?").fill("Note the invoice amount from the mail.");
  await page.getByLabel("From contains (optional)").fill("friend@");
  await page.getByLabel("Subject contains (optional)").fill("invoice");
  await page.getByLabel("Check every (seconds)").fill("60");
  await page.getByRole("button", { name: "Create trigger" }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Acme invoices" })).toBeVisible();
  await expect(page.getByText("Folder INBOX · from “friend@”, subject containing “invoice”")).toBeVisible();
  // The first check (the worker ticks every second) only notes where the inbox stands.
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Checked every 1 min, last/)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

  const smtp = nodemailer.createTransport({ host: mail.host, port: mail.smtpPort, secure: false, ignoreTLS: true, auth: { user: mail.friend.user, pass: mail.friend.password } });
  await smtp.sendMail({ from: mail.friend.address, to: mail.owner.address, subject: "Lunch on Friday?", text: "Not an invoice." });
  await smtp.sendMail({ from: mail.friend.address, to: mail.owner.address, subject: "Invoice 42", text: "Amount due: 1,250.00 EUR." });
  smtp.close();
  await expect.poll(() => mail.delivered(mail.owner), { timeout: 30_000 }).toBe(2);

  const event = page.getByTestId("trigger-event");
  await expect(async () => {
    await page.reload();
    await expect(event).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 90_000 });
  await expect(event).toContainText("friend@example.test · Invoice 42");
  await expect(event.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 45_000 });
  await expect(page.locator('[data-count="created"]')).toHaveText("1 started");
  expect(await smallTapTargets(page)).toEqual([]);

  await page.goto("/triggers");
  await expect(page.getByTestId("trigger-card").filter({ hasText: "Acme invoices" })).toContainText("New mail in INBOX: from “friend@”, subject containing “invoice”");
  await page.screenshot({ path: "test-results/mail-trigger-phone.png", fullPage: true });

  // Leave the owner as other tests expect: no trigger polling a server that is about to stop, no mailbox.
  const triggerId = new URL(await page.getByTestId("trigger-card").filter({ hasText: "Acme invoices" }).getByRole("link").getAttribute("href") ?? "", baseURL).pathname.split("/").at(-1);
  expect((await page.request.delete(`/api/triggers/${triggerId}`)).ok()).toBe(true);
  await page.goto("/mail");
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Disconnect" }).tap();
  await expect(page.getByRole("heading", { name: "Connect a mailbox" })).toBeVisible();
  await page.context().close();
});
