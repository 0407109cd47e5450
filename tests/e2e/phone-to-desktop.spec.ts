// The one flow everything serves: a task handed over on the phone is done there, and the desktop
// inbox that was already open sees it appear and finish without a reload.
import { expect, test } from "@playwright/test";
import { desktop, openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";

test("a task started on the phone appears and completes on the open desktop inbox", async ({ browser, baseURL }) => {
  const title = uniqueTitle("Morning brief");
  // Nothing the demo model has a walk-through for, so it answers at once, calling no tool.
  const prompt = "Summarize today's support issues.\nKeep it under ten lines.";

  const inbox = await openPage(browser, desktop, baseURL);
  await inbox.goto("/");
  await waitUntilLive(inbox);
  // A full page load would wipe this; router.refresh() keeps it.
  await inbox.evaluate(() => Object.assign(window, { __noReload: true }));
  const card = inbox.getByTestId("task-card").filter({ hasText: title });
  await expect(card).toHaveCount(0);

  const handset = await openPage(browser, phone, baseURL);
  await handset.goto("/tasks/new");
  await handset.getByLabel("Title").fill(title);
  await handset.getByLabel("What should Baton do?").fill(prompt);
  // The e2e default is a scripted OpenAI-compatible model; the built-in demo model is always offered.
  await handset.getByLabel("Model").selectOption("demo/scripted");
  await handset.getByRole("button", { name: "Start task" }).tap();

  // The phone lands on the task's page and watches it finish.
  await expect(handset).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(handset.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(handset.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(handset.getByTestId("status-chip")).toHaveText("Completed");
  const artifact = handset.getByTestId("artifact");
  await expect(artifact.getByRole("heading", { level: 1 })).toHaveText("This is the demo model");
  await expect(artifact).toContainText("scripted, no AI");
  await expect(handset.getByTestId("timeline")).toContainText("Completed");
  const taskId = handset.url().split("/").at(-1)!;

  // Meanwhile, the desktop inbox picked it up over the live stream.
  await expect(card).toHaveCount(1);
  await expect(card).toHaveAttribute("data-task-id", taskId);
  await expect(card.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(card.getByTestId("status-chip")).toHaveText("Completed");
  expect(await inbox.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);
  await expect(inbox).toHaveURL(/\/$/);

  await handset.context().close();
  await inbox.context().close();
});
