// Screenshots of the approval pages on a phone and a desktop, for a person to look at (not
// compared): npm run screenshots.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fullPageShot } from "./shot";
import { desktopWide, openPage, phone, waitUntilLive } from "../e2e/support/baton";
import { newHook, openApproval, startPostingTask } from "../e2e/support/approvals";

const folder = process.env.BATON_SCREENSHOTS_DIR ?? "/tmp/baton-shots";

for (const [device, sized] of [["phone", phone], ["desktop", desktopWide]] as const)
  for (const scheme of ["light", "dark"] as const) {
    const options = { ...sized, colorScheme: scheme };
    test(`approval screenshots on a ${device}, ${scheme}`, async ({ browser, baseURL, request }) => {
      const task = await startPostingTask(request, newHook(), "Post the weekly status to the team webhook before the Monday meeting");
      const page = await openPage(browser, options, baseURL);
      const shot = (name: string) => fullPageShot(page, path.join(folder, `${device}-${scheme}-${name}.png`));

      const card = await openApproval(page, task.id);
      await shot("task-approval");
      await card.getByRole("button", { name: "Deny" }).click();
      await shot("task-approval-deny");
      await card.getByRole("button", { name: "Back" }).click();
      await card.getByRole("button", { name: "Edit arguments" }).click();
      await card.getByLabel("Arguments (JSON)").fill('{ "url": ');
      await card.getByRole("button", { name: "Approve with edits" }).click();
      await expect(card.getByTestId("approval-error")).toBeVisible();
      await shot("task-approval-edit-error");

      await page.goto("/approvals");
      await waitUntilLive(page);
      await shot("approvals");
      await page.goto("/?status=waiting_approval");
      await waitUntilLive(page);
      await shot("inbox-needs-approval");

      await page.goto(`/tasks/${task.id}`);
      await page.getByTestId("approval-card").getByRole("button", { name: "Approve", exact: true }).click();
      await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
      await shot("task-approved");
      await page.context().close();
    });
}
