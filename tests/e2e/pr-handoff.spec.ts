// The PR handoff on a phone with no forge and no keys: the template starts filled with Baton's demo
// repository; the demo model clones it, the tests fail, it fixes the bug, the tests pass; the push
// waits on an approval card that shows the branch, the commit message, the diff stats and the test
// results; approved, the branch is pushed to the local demo remote, the patch reads as a diff, and
// the answer says the pull request step needs a forge (this remote has none).
import { expect, test } from "@playwright/test";
import { openPage, phone } from "./support/baton";
import { expectNoSideways } from "./support/approvals";

test("start the PR handoff template, approve the push from the card, see the diff and the pushed branch", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/tasks/new");
  await page.getByRole("link", { name: /PR handoff/ }).tap();
  await expect(page.getByRole("heading", { name: "PR handoff" })).toBeVisible();
  await expect(page.getByLabel("Repository")).toHaveValue(/demo-repositories\/widgets\.git$/);
  await expectNoSideways(page);

  // A bad field comes back under its field, and nothing starts.
  await page.getByLabel("Branch prefix").fill("feature/");
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Start task" }).tap();
  await expect(page.locator("#branchPrefix-error")).toContainText("Start the prefix with baton/");
  await page.getByLabel("Branch prefix").fill("baton/");
  // This Baton's default model is the e2e's fake OpenAI server: the handoff is the demo model's.
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Start task" }).tap();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);

  const card = page.getByTestId("approval-card");
  await expect(card.getByTestId("approval-tool")).toHaveText("push_branch", { timeout: 60_000 });
  const change = card.getByTestId("approval-code-change");
  await expect(change).toContainText("baton/fix-empty-cart");
  await expect(change).toContainText("Start an empty cart's total at 0");
  await expect(change).toContainText("1 file, +1 −1");
  await expect(card.getByTestId("approval-test-results")).toHaveText("The tests pass: 2 passed, 0 failed");
  await expectNoSideways(page);

  await card.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  await expect(page.getByText(/no forge behind it, so there is no pull request/)).toBeVisible();
  const diff = page.getByTestId("diff-view");
  await expect(diff).toContainText("src/cart.js");
  await expect(diff).toContainText("line.quantity, 0);");
  await expectNoSideways(page);
});
