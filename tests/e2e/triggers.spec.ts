// A webhook trigger made on a phone: its secret is shown once, a signed delivery (sent as another
// service would) starts a task that completes and shows on the trigger's page, a paused trigger
// counts what it skipped, and an unsigned delivery is refused and explained.
import { expect, test } from "@playwright/test";
import { signWebhook } from "../../lib/triggers/webhook-signature";
import { openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";

test("a webhook trigger: made on a phone, fired by a signed POST, paused, refused unsigned", async ({ browser, baseURL, playwright }) => {
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/triggers");
  await page.getByRole("link", { name: "New trigger" }).tap();
  await expect(page).toHaveURL(/\/triggers\/new$/);
  const name = uniqueTitle("Deploy failed");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("What should Baton do with each event?").fill("Summarise what the deploy event says.");
  await page.getByRole("button", { name: "Create trigger" }).tap();

  const secret = (await page.getByTestId("secret-once").locator("code").textContent())!.trim();
  expect(secret).toMatch(/^whsec_/);
  await page.getByRole("link", { name: "Open the trigger" }).tap();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);
  const url = (await page.getByTestId("webhook-url").textContent())!.trim();
  await waitUntilLive(page);

  // Another service, with no session: a signed delivery.
  const sender = await playwright.request.newContext();
  const send = (body: string, headers: Record<string, string>) => sender.post(url, { data: body, headers: { "content-type": "application/json", ...headers } });
  const signed = (body: string) => ({ "x-baton-signature": signWebhook(secret, Math.floor(Date.now() / 1000), body) });
  const first = JSON.stringify({ event: "deploy.failed", service: "billing" });
  expect((await send(first, { ...signed(first), "x-baton-event-id": "evt_1" })).status()).toBe(202);
  await page.reload();
  const event = page.getByTestId("trigger-event");
  await expect(event).toHaveCount(1);
  await expect(event.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 45_000 });

  await page.getByRole("button", { name: "Pause" }).tap();
  await expect(page.getByRole("button", { name: "Resume" })).toBeVisible();
  const second = JSON.stringify({ event: "deploy.failed", service: "search" });
  expect((await send(second, { ...signed(second), "x-baton-event-id": "evt_2" })).status()).toBe(200);
  const unsigned = await send(second, {});
  expect(unsigned.status()).toBe(401);
  await page.reload();
  await expect(page.locator('[data-count="skipped"]')).toHaveText("1 skipped while paused");
  await expect(page.locator('[data-count="rejected"]')).toHaveText("1 refused");
  await expect(page.getByTestId("last-refusal")).toContainText("The delivery was not signed.");
  await page.screenshot({ path: "test-results/triggers-phone.png", fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: "test-results/triggers-phone-dark.png", fullPage: true });

  // Deleted after a confirmation: its URL stops answering.
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Delete" }).tap();
  await expect(page).toHaveURL(/\/triggers$/);
  expect((await send(second, signed(second))).status()).toBe(404);
  await sender.dispose();
  await page.context().close();
});
