// The morning-briefing template as it comes: its fields start with Baton's own demo feed and
// calendar, so "New schedule → template → Run now" on the demo model gives a real brief that
// names the demo calendar's events.
import { expect, test } from "@playwright/test";
import { DEMO_EVENTS } from "../../lib/demo/demo-content";
import { desktop, openPage, uniqueTitle, waitUntilLive } from "./support/baton";

test("new schedule from the morning-briefing template, run now on the demo model: brief.md names today's demo events", async ({ browser, baseURL }) => {
  const page = await openPage(browser, desktop, baseURL);
  await page.goto("/schedules/new");
  await page.getByRole("link", { name: /Morning briefing/ }).click();
  await expect(page.getByLabel("Feeds (RSS or Atom)")).toHaveValue(`${baseURL}/demo/feed.xml`);
  await expect(page.getByLabel("Calendar (iCal / .ics URL)")).toHaveValue(`${baseURL}/demo/calendar.ics`);
  const title = uniqueTitle("Demo briefing");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Model").selectOption({ label: "Demo model (scripted, no AI)" });
  await page.getByRole("button", { name: "Create schedule" }).click();

  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await waitUntilLive(page);
  await page.getByRole("button", { name: "Run now" }).click();
  const run = page.getByTestId("schedule-run");
  await expect(run.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 45_000 });
  await run.click();

  const brief = page.getByTestId("artifact").filter({ has: page.locator("header", { hasText: /^brief\.md ·/ }) });
  await expect(brief.getByRole("heading", { level: 1 })).toContainText("Morning brief");
  for (const event of DEMO_EVENTS) await expect(brief).toContainText(event.title);
  await expect(brief.getByRole("link", { name: "Harbour bridge reopens after overnight repairs" })).toBeVisible();
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText(`read_feed: Read 5 of 5 items from the RSS feed at ${new URL(baseURL!).host}`);
  await expect(timeline).toContainText(`read_calendar: Read 3 events from ${new URL(baseURL!).host}`);
  await page.context().close();
});
