// Screenshots of the schedule pages on a phone and a desktop: the list, a schedule with its runs,
// and the new-schedule form started from a template, with its preview of the next runs.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fullPageShot } from "./shot";
import { desktopWide, openPage, phone } from "../e2e/support/baton";

const folder = process.env.BATON_SCREENSHOTS_DIR ?? "/tmp/baton-shots";

for (const [device, sized] of [["phone", phone], ["desktop", desktopWide]] as const)
  for (const scheme of ["light", "dark"] as const) {
    const options = { ...sized, colorScheme: scheme };
    test(`schedule screenshots on a ${device}, ${scheme}`, async ({ browser, baseURL, request }) => {
      const created = await request.post("/api/schedules", {
        data: { title: "Weekly metrics for the leadership team", prompt: "Prepare this week's metrics.", cron: "0 8 * * 1", timezone: "Europe/Berlin" },
      });
      expect(created.status()).toBe(201);
      const { schedule } = (await created.json()) as { schedule: { id: string } };
      expect((await request.post(`/api/schedules/${schedule.id}/run`)).status()).toBe(202);

      const page = await openPage(browser, { ...options, timezoneId: "America/New_York" }, baseURL);
      const shot = (name: string) => fullPageShot(page, path.join(folder, `${device}-${scheme}-${name}.png`));
      await page.goto(`/schedules/${schedule.id}`);
      await expect(page.getByTestId("schedule-run").first()).toBeVisible();
      await shot("schedule");
      await page.goto("/schedules");
      await shot("schedules");
      await page.goto("/schedules/new?template=morning-briefing");
      await expect(page.getByTestId("next-runs").locator("li")).toHaveCount(5);
      await shot("schedule-new-template");
      await page.getByLabel("When").selectOption("custom");
      await page.getByLabel("Cron expression").fill("61 7 * * *");
      await shot("schedule-new-bad-cron");
      await page.context().close();
    });
}
