// A schedule from the morning-briefing template, made in the UI against the local feed and
// calendar fixtures, run now: its run is a task whose brief names the fixture's events and news.
import { expect, test } from "@playwright/test";
import { openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";
import { FIXTURE_FEED_URLS, TODAY_CALENDAR_URL, TODAY_EVENTS } from "./support/fakes";

test("the morning briefing template: set up on a phone, run now, read the brief", async ({ browser, baseURL }) => {
  const page = await openPage(browser, { ...phone, timezoneId: "Europe/Berlin" }, baseURL);
  await page.goto("/schedules");
  await page.getByRole("link", { name: "New schedule" }).tap();
  // Earlier tests' schedules are named after the template too: pick from the new page's templates.
  await expect(page).toHaveURL(/\/schedules\/new$/);
  await page.getByRole("link", { name: /Morning briefing/ }).tap();
  await expect(page).toHaveURL(/template=morning-briefing/);

  const title = uniqueTitle("Morning briefing");
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Feeds (RSS or Atom)").fill(`${FIXTURE_FEED_URLS.rss2}\n${FIXTURE_FEED_URLS.atom}`);
  await page.getByLabel("Calendar (iCal / .ics URL)").fill(TODAY_CALENDAR_URL);
  await expect(page.getByLabel("What should Baton do each time?")).toHaveValue(new RegExp(TODAY_CALENDAR_URL.replace(/[./]/g, "\\$&")));
  // The browser's zone is the default, and the preview reads the weekday 07:00 runs in it.
  await expect(page.getByLabel("Time zone")).toHaveValue("Europe/Berlin");
  const preview = page.getByTestId("next-runs").locator("li");
  await expect(preview).toHaveCount(5);
  await expect(preview.first()).toContainText("07:00");
  await page.getByRole("button", { name: "Create schedule" }).tap();

  await expect(page).toHaveURL(/\/schedules\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByText("from the Morning briefing template")).toBeVisible();
  await waitUntilLive(page);
  await page.getByRole("button", { name: "Run now" }).tap();
  const run = page.getByTestId("schedule-run");
  await expect(run).toHaveCount(1);
  await expect(run.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 45_000 });

  await run.tap();
  const brief = page.getByTestId("artifact");
  await expect(brief.getByRole("heading", { level: 1 })).toHaveText("Morning briefing");
  for (const event of TODAY_EVENTS) await expect(brief).toContainText(event.title);
  await expect(brief).toContainText("Release 2.4: offline mode");
  await expect(brief).toContainText("v3.1.0");
  const timeline = page.getByTestId("timeline");
  await expect(timeline).toContainText("read_feed");
  await expect(timeline).toContainText("read_calendar");
  await page.context().close();
});

test("a bad cron expression or time zone is explained in the form and nothing is saved", async ({ browser, baseURL, request }) => {
  const before = ((await (await request.get("/api/schedules")).json()) as { schedules: unknown[] }).schedules.length;
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/schedules/new");
  await page.getByLabel("Title").fill(uniqueTitle("Broken"));
  await page.getByLabel("What should Baton do each time?").fill("Nothing.");
  await page.getByLabel("When").selectOption("custom");
  await page.getByLabel("Cron expression").fill("0 25 * * *");
  await expect(page.getByText(/Not a valid cron expression/)).toBeVisible();
  await expect(page.getByTestId("next-runs")).toContainText("Fix the time above");
  await page.getByLabel("Time zone").fill("Europe/Atlantis");
  await expect(page.getByText("Use an IANA time zone such as Europe/Berlin or America/New_York.")).toBeVisible();
  await page.getByRole("button", { name: "Create schedule" }).tap();
  await expect(page.locator("#form-message")).toHaveText("Some fields need fixing.");
  await expect(page).toHaveURL(/\/schedules\/new$/);
  expect(((await (await request.get("/api/schedules")).json()) as { schedules: unknown[] }).schedules).toHaveLength(before);
  await page.context().close();
});
