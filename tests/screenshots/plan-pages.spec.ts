// Screenshots of a plan-first task's plan card (as proposed, and being edited) and the mail and
// triggers pages, on a phone and a desktop, light and dark: npm run screenshots.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fullPageShot } from "./shot";
import { desktopWide, openPage, phone, uniqueTitle, waitUntilLive } from "../e2e/support/baton";

const folder = process.env.BATON_SCREENSHOTS_DIR ?? "/tmp/baton-shots";

for (const [device, sized] of [["phone", phone], ["desktop", desktopWide]] as const)
  for (const scheme of ["light", "dark"] as const) {
    test(`plan, mail and triggers screenshots on a ${device}, ${scheme}`, async ({ browser, baseURL }) => {
      const page = await openPage(browser, { ...sized, colorScheme: scheme }, baseURL);
      const shot = (name: string) => fullPageShot(page, path.join(folder, `${device}-${scheme}-${name}.png`));

      await page.goto("/tasks/new");
      await page.getByLabel("Title").fill(uniqueTitle("Morning brief"));
      await page.getByLabel("What should Baton do?").fill("Write me a brief of today's news and calendar.");
      await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
      await page.getByLabel("Show me a plan first").check();
      await shot("new-task-plan-first");
      await page.getByRole("button", { name: "Start task" }).click();
      await waitUntilLive(page);
      const card = page.getByTestId("approval-card");
      await expect(card.getByTestId("plan-view")).toBeVisible({ timeout: 30_000 });
      await shot("plan-approval");
      await card.getByRole("button", { name: "Edit plan" }).click();
      await shot("plan-approval-edit");

      await page.goto("/mail");
      await shot("mail");
      await page.goto("/triggers/new");
      await shot("trigger-new");
      await page.goto("/triggers");
      await shot("triggers");
      await page.context().close();
    });
  }
