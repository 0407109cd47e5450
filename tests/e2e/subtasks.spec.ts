// Parallel sub-tasks on a phone, with the demo model: "In parallel: …" becomes three sub-tasks on
// the task page, each with a live status chip and a link; the one that posts waits for its own
// approval on its own page (which links back), and once it is approved the parent finishes with
// every part's result.
import { expect, test } from "@playwright/test";
import { openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";

test("a task split into sub-tasks shows them, each with its own approval, and resumes with their results", async ({ browser, baseURL }) => {
  const page = await openPage(browser, { ...phone, hasTouch: true, isMobile: true }, baseURL);
  const title = uniqueTitle("Parallel");
  await page.goto("/tasks/new");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("What should Baton do?").fill('In parallel: Write my morning brief; Say hello; Post "Parallel done" to the team channel');
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Start task" }).tap();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  const parentUrl = page.url();
  await waitUntilLive(page);

  const section = page.getByTestId("subtasks");
  const links = section.getByTestId("subtask-link");
  await expect(links).toHaveCount(3, { timeout: 30_000 });
  await expect(links).toHaveText([/Write my morning brief/, /Say hello/, /Post "Parallel done" to the team channel/]);
  // The posting part asks first: its chip says so without a reload.
  const post = links.filter({ hasText: "Parallel done" });
  await expect(post.getByTestId("status-chip")).toHaveAttribute("data-status", "waiting_approval", { timeout: 30_000 });
  await expect(links.filter({ hasText: "Say hello" }).getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  const box = await post.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);

  await post.tap();
  await expect(page.getByTestId("parent-task-link")).toContainText(`Sub-task of ${title}`);
  const card = page.getByTestId("approval-card");
  await expect(card.getByTestId("approval-tool")).toHaveText("http_request");
  await card.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(page.getByTestId("status-chip").first()).toHaveAttribute("data-status", "completed", { timeout: 30_000 });

  await page.getByTestId("parent-task-link").tap();
  await expect(page).toHaveURL(parentUrl);
  await expect(page.getByTestId("status-chip").first()).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(page.getByTestId("subtasks-progress")).toHaveText("All 3 have ended.");
  const result = page.locator("#result");
  await expect(result).toContainText("3 parts ran at the same time. All parts finished.");
  await expect(result).toContainText("Say hello (completed)");
  await expect(page.getByTestId("timeline")).toContainText("Started 3 sub-tasks");
  await page.context().close();
});
