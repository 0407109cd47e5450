// Screenshots of phone takeover and the use_browser timeline on a phone and a desktop, light and
// dark, for a person to look at (not compared): npm run screenshots.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fullPageShot } from "./shot";
import { createTaskViaApi, desktopWide, openPage, phone, uniqueTitle } from "../e2e/support/baton";
import { computerUseMarker } from "../e2e/support/fakes";

const folder = process.env.BATON_SCREENSHOTS_DIR ?? "/tmp/baton-shots";

for (const [device, sized] of [["phone", phone], ["desktop", desktopWide]] as const)
  for (const scheme of ["light", "dark"] as const) {
    test(`takeover screenshots on a ${device}, ${scheme}`, async ({ browser, baseURL, request }) => {
      test.setTimeout(150_000);
      await request.put("/api/policy", { data: { scope: "class", key: "computer-use", decision: "allow" } });
      try {
        const task = await createTaskViaApi(request, { title: uniqueTitle("Get past the portal's check"), prompt: `Get past the portal's check.\n${computerUseMarker("captcha", "openai")}` });
        const page = await openPage(browser, { ...sized, colorScheme: scheme }, baseURL);
        const shot = (name: string) => fullPageShot(page, path.join(folder, `${device}-${scheme}-${name}.png`));

        await page.goto(`/tasks/${task.id}`);
        const open = page.getByRole("button", { name: "Open the live view" });
        await expect(async () => {
          await page.reload();
          await expect(open).toBeVisible({ timeout: 1_000 });
        }).toPass({ timeout: 90_000 });
        await shot("task-waiting-for-person");
        await open.click();
        await expect(page).toHaveURL(/\/takeovers\/[0-9a-f-]{36}$/);
        const frame = page.getByRole("img", { name: "The agent's browser, live" });
        await expect.poll(() => frame.evaluate((image: HTMLImageElement) => image.naturalWidth).catch(() => 0), { timeout: 30_000 }).toBe(1280);
        await page.getByLabel("Note for the agent (optional)").fill("Ticked the three traffic lights");
        await page.screenshot({ path: path.join(folder, `${device}-${scheme}-takeover-live.png`) });
        await page.getByRole("button", { name: "Done, hand back" }).click();
        await expect(page.getByRole("heading", { name: "Handed back" })).toBeVisible();
        await shot("takeover-handed-back");

        await page.goto(`/tasks/${task.id}`);
        await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
        await shot("task-use-browser-timeline");
        await page.goto("/takeovers/refused?why=used");
        await shot("takeover-refused");
        await page.context().close();
      } finally {
        await request.put("/api/policy", { data: { scope: "class", key: "computer-use", decision: null } });
      }
    });
  }
