// A newcomer's walk through the whole flow on the demo model, at phone size: a task that asks to
// send something makes a real tool call through the real policy, the approval card shows exactly
// what would run, and once approved the demo sink's receipt is on the timeline and in the answer;
// a follow-up then starts a second run whose answer changes.
import { expect, test } from "@playwright/test";
import { openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";

test("the demo model on a phone: tool call, approval card, approve, the receipt on the timeline and in the answer", async ({ browser, baseURL }) => {
  const page = await openPage(browser, { ...phone, hasTouch: true, isMobile: true }, baseURL);
  await page.goto("/tasks/new");
  await page.getByLabel("Title").fill(uniqueTitle("Tell the team"));
  await page.getByLabel("What should Baton do?").fill('Post "Stand-up moves to 10:00" to the team channel.');
  // The e2e stack configures a scripted OpenAI model by default; the demo model is always offered.
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Start task" }).tap();
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await waitUntilLive(page);

  const card = page.getByTestId("approval-card");
  await expect(card).toBeVisible({ timeout: 30_000 });
  const sink = `${baseURL}/demo/sink`;
  await expect(card.getByTestId("approval-tool")).toHaveText("http_request");
  await expect(card.getByTestId("risk-badge")).toHaveAttribute("data-risk", "external");
  await expect(card.getByTestId("approval-target")).toHaveText(`POST ${sink}`);
  const args = JSON.parse((await card.getByTestId("approval-arguments").textContent()) ?? "") as Record<string, unknown>;
  expect(args).toEqual({ url: sink, method: "POST", body: { text: "Stand-up moves to 10:00" } });
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText("Asked Demo model; working in the background");
  await expect(timeline).toContainText("wants to use http_request");

  await card.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  const called = timeline.locator("li").filter({ hasText: `http_request: POST ${sink} → 201` });
  await expect(called).toHaveCount(1);
  await called.getByText("Result", { exact: true }).tap();
  const result = called.getByTestId("tool-result");
  await expect(result).toContainText('"bytesReceived": 34');
  const receiptId = /rcpt_[0-9a-f]{12}/.exec((await result.textContent()) ?? "")?.[0];
  expect(receiptId).toBeDefined();
  // No turn line after the end, and the answer is the run's artifact, labelled with its run.
  await expect(timeline.locator("li").last()).toContainText("Completed");
  const run = page.getByTestId("run-result");
  await expect(run.getByRole("heading", { level: 3 })).toHaveText("Run 1");
  const answer = run.getByTestId("artifact");
  await expect(answer).toContainText("answer.md");
  await expect(answer).toContainText(`receipt ${receiptId}`);
  await expect(answer).toContainText("scripted, no AI");

  // A follow-up starts run 2, whose answer is visibly the shorter one, and nothing is sent again.
  const form = page.getByTestId("message-form");
  await form.getByRole("textbox").fill("shorter");
  await form.getByRole("button", { name: "Send" }).tap();
  const latest = page.getByTestId("run-result").first();
  await expect(latest.getByRole("heading", { level: 3 })).toHaveText("Run 2 · follow-up: shorter", { timeout: 30_000 });
  const first = (await page.getByTestId("run-result").nth(1).getByTestId("artifact").locator(".artifact-markdown").textContent()) ?? "";
  const second = (await latest.getByTestId("artifact").locator(".artifact-markdown").textContent()) ?? "";
  expect(second.length).toBeLessThan(first.length);
  await expect(page.getByTestId("approval-history-item")).toHaveCount(1);
  await expect(timeline.locator("li").filter({ hasText: "http_request: POST" })).toHaveCount(1);
  await page.context().close();
});
