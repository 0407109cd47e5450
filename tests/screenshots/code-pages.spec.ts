// Screenshots of the PR handoff on the demo repository: the template form, the push approval card
// (branch, commit, diff stats, test results) and the finished task with its diff and test results,
// on a phone and a desktop, light and dark: npm run screenshots.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fullPageShot } from "./shot";
import { desktopWide, openPage, phone } from "../e2e/support/baton";

const folder = process.env.BATON_SCREENSHOTS_DIR ?? "/tmp/baton-shots";

for (const [device, sized] of [["phone", phone], ["desktop", desktopWide]] as const)
  for (const scheme of ["light", "dark"] as const) {
    test(`PR handoff screenshots on a ${device}, ${scheme}`, async ({ browser, baseURL }) => {
      // Clone, two test runs and a push by the demo model: longer than one page's default minute.
      test.setTimeout(180_000);
      const page = await openPage(browser, { ...sized, colorScheme: scheme }, baseURL);
      const shot = (name: string) => fullPageShot(page, path.join(folder, `${device}-${scheme}-${name}.png`));

      await page.goto("/tasks/new");
      await page.getByRole("link", { name: /PR handoff/ }).click();
      await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
      await shot("pr-handoff-form");
      // Chosen again just before starting: a choice made while the page was still hydrating was
      // lost, and the task went to the default model, which knows no handoff.
      await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
      await page.getByRole("button", { name: "Start task" }).click();
      await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
      const card = page.getByTestId("approval-card");
      await expect(card.getByTestId("approval-test-results")).toBeVisible({ timeout: 60_000 });
      await shot("pr-handoff-approval");
      await card.getByRole("button", { name: "Approve", exact: true }).click();
      await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
      await expect(page.getByTestId("diff-view")).toBeVisible();
      await shot("pr-handoff-done");
    });
  }
