// The Credentials page on a phone: a portal's sign-in is added, a bad site is refused with a field
// message, and the password never comes back to the page, not even inside its HTML; the same for
// an SSH key (git over SSH), whose host key is shown and whose private key is not.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { openPage, phone } from "./support/baton";

test("a credential is added from a phone and its password is never sent back", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  const suffix = Date.now().toString(36);
  const password = `portal pass ${suffix} 0123`;
  await page.goto("/credentials");
  await expect(page.getByRole("heading", { level: 1, name: "Credentials" })).toBeVisible();

  const form = page.getByRole("form", { name: "Add a credential" });
  await form.getByLabel("Label", { exact: true }).fill(`Billing ${suffix}`);
  await form.getByLabel("Name", { exact: true }).fill(`billing-${suffix}`);
  await form.getByLabel("Sites").fill("https://billing.example.com/invoices?page=2");
  await form.getByLabel("User name").fill("ada");
  await form.getByLabel("Password", { exact: true }).fill(password);
  await form.getByRole("button", { name: "Add credential" }).tap();
  // A site is an origin: the path is refused, the typed site is kept, the password is not.
  await expect(form.getByText(/path/i).first()).toBeVisible();
  await expect(form.getByLabel("Sites")).toHaveValue("https://billing.example.com/invoices?page=2");
  await expect(form.getByLabel("Password", { exact: true })).toHaveValue("");

  await form.getByLabel("Sites").fill("https://billing.example.com");
  await form.getByLabel("Password", { exact: true }).fill(password);
  await form.getByRole("button", { name: "Add credential" }).tap();
  const card = page.getByRole("article", { name: `Billing ${suffix}` });
  await expect(card).toContainText("Password set");
  await expect(card).toContainText("https://billing.example.com");

  await page.reload();
  await expect(page.getByRole("article", { name: `Billing ${suffix}` })).toBeVisible();
  expect(await page.content()).not.toContain(password);
  const listed = await (await page.request.get("/api/credentials")).text();
  expect(listed).toContain(`billing-${suffix}`);
  expect(listed).not.toContain(password);

  // Deleting (under Edit) asks first: dismissed, the credential stays; accepted, it is gone.
  const saved = page.getByRole("article", { name: `Billing ${suffix}` });
  await saved.getByText("Edit", { exact: true }).tap();
  const deleteButton = saved.getByRole("button", { name: "Delete" });
  page.once("dialog", (dialog) => void dialog.dismiss());
  await deleteButton.tap();
  await expect(deleteButton).toBeEnabled();
  page.once("dialog", (dialog) => {
    expect(dialog.message()).toContain(`billing-${suffix}`);
    void dialog.accept();
  });
  await deleteButton.tap();
  await expect(page.getByRole("article", { name: `Billing ${suffix}` })).toHaveCount(0);
  expect(await (await page.request.get("/api/credentials")).text()).not.toContain(`billing-${suffix}`);
});

test("an SSH key is added from a phone: a paste that is not a key is refused, and the key never comes back", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  const suffix = Date.now().toString(36);
  const folder = mkdtempSync(path.join(os.tmpdir(), "baton-e2e-ssh-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path.join(folder, "key")]);
  const privateKey = readFileSync(path.join(folder, "key"), "utf8");
  const hostKey = readFileSync(path.join(folder, "key.pub"), "utf8").trim();
  rmSync(folder, { recursive: true, force: true });
  const keyLine = privateKey.split("\n")[1]!;
  await page.goto("/credentials");

  const form = page.getByRole("form", { name: "Add an SSH key" });
  await form.getByLabel("Label", { exact: true }).fill(`Git server ${suffix}`);
  await form.getByLabel("Name", { exact: true }).fill(`git-${suffix}`);
  await form.getByLabel("SSH server").fill("ssh://git.example.com:2222");
  await form.getByLabel("Private key").fill(hostKey);
  await form.getByLabel("Server host key").fill(hostKey);
  await form.getByRole("button", { name: "Add SSH key" }).tap();
  await expect(form.getByText("That is a public key; paste the private key (the file without .pub).")).toBeVisible();
  await expect(form.getByLabel("SSH server")).toHaveValue("ssh://git.example.com:2222");

  await form.getByLabel("Private key").fill(privateKey);
  await form.getByRole("button", { name: "Add SSH key" }).tap();
  const card = page.getByRole("article", { name: `Git server ${suffix}` });
  await expect(card).toContainText("SSH key set");
  await expect(card).toContainText("ssh://git.example.com:2222");
  await expect(card).toContainText(hostKey);
  await expect(form.getByLabel("Private key")).toHaveValue("");

  await page.reload();
  await expect(page.getByRole("article", { name: `Git server ${suffix}` })).toBeVisible();
  expect(await page.content()).not.toContain(keyLine);
  const listed = await (await page.request.get("/api/credentials")).text();
  expect(listed).toContain(`git-${suffix}`);
  expect(listed).not.toContain(keyLine);

  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("article", { name: `Git server ${suffix}` }).getByRole("button", { name: "Delete" }).tap();
  await expect(page.getByRole("article", { name: `Git server ${suffix}` })).toHaveCount(0);
});
