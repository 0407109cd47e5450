// Plan first on a phone, with the demo model: the task's first act is a plan on an approval card;
// approved as is, its tools run without asking; edited to take a tool out, that tool asks.
import { expect, test, type Page } from "@playwright/test";
import { openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";

async function startPlanFirstTask(page: Page, title: string): Promise<void> {
  await page.goto("/tasks/new");
  await page.getByLabel("Title").fill(uniqueTitle(title));
  await page.getByLabel("What should Baton do?").fill('Post "Deploy done" to the team channel.');
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByLabel("Show me a plan first").check();
  await page.getByRole("button", { name: "Start task" }).tap();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await waitUntilLive(page);
}

test("approved as proposed, the plan's tool runs without another approval", async ({ browser, baseURL }) => {
  const page = await openPage(browser, { ...phone, hasTouch: true, isMobile: true }, baseURL);
  await startPlanFirstTask(page, "Planned post");
  const card = page.getByTestId("approval-card");
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(card.getByTestId("approval-tool")).toHaveText("propose_plan");
  const plan = card.getByTestId("plan-view");
  await expect(plan.locator("li")).toHaveText([`POST ${baseURL}/demo/sink (http_request)`]);
  await expect(plan).toContainText("Once approved, these run without asking again: http_request");
  await expect(card.getByRole("button", { name: "Approve", exact: true })).toBeInViewport();

  await card.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText("http_request runs without asking: the approved plan names it");
  await expect(timeline.locator("li").filter({ hasText: "http_request: POST" })).toHaveCount(1);
  await expect(page.getByTestId("approval-history-item")).toHaveCount(1);
  await expect(page.getByTestId("artifact").filter({ hasText: "plan.md" })).toBeVisible();
  await page.context().close();
});

test("a tool the person takes out of the plan asks before it runs", async ({ browser, baseURL }) => {
  const page = await openPage(browser, { ...phone, hasTouch: true, isMobile: true }, baseURL);
  await startPlanFirstTask(page, "Edited plan");
  const card = page.getByTestId("approval-card");
  await expect(card.getByTestId("approval-tool")).toHaveText("propose_plan", { timeout: 30_000 });
  await card.getByRole("button", { name: "Edit plan" }).tap();
  await card.getByLabel("Steps").fill(`POST ${baseURL}/demo/sink (http_request)\nTell me what the sink answered`);
  await card.getByRole("checkbox", { name: "http_request" }).uncheck();
  await card.getByRole("button", { name: "Approve with edits" }).tap();

  // The POST is not in the approved plan any more: it waits for its own approval.
  await expect(card.getByTestId("approval-tool")).toHaveText("http_request", { timeout: 30_000 });
  await expect(card.getByTestId("approval-target")).toHaveText(`POST ${baseURL}/demo/sink`);
  await card.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(page.getByTestId("approval-history-item")).toHaveCount(2);
  const planFile = page.getByTestId("artifact").filter({ hasText: "plan.md" });
  await expect(planFile).toContainText("Tell me what the sink answered");
  await expect(planFile).toContainText("none");
  await page.context().close();
});
