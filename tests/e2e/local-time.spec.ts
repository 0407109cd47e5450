// Times are on the reader's clock everywhere: rendered by the server in the zone the browser
// recorded (so a reload or a saved offline copy is right from the first paint), relative while
// recent and ticking, and schedule times in the schedule's own zone, named.
import { expect, test, type APIRequestContext, type BrowserContextOptions, type Page } from "@playwright/test";
import { createTaskViaApi, desktop, openPage, phone, uniqueTitle } from "./support/baton";
import { openControlledPage } from "./support/offline";

const BERLIN: BrowserContextOptions = { ...desktop, timezoneId: "Europe/Berlin", locale: "en-GB" };
const LOS_ANGELES: BrowserContextOptions = { ...phone, timezoneId: "America/Los_Angeles", locale: "en-GB" };
const READERS = [
  ["Berlin", BERLIN],
  ["Los Angeles", LOS_ANGELES],
] as const;

/** How the reader's clock writes a moment's day and time (en-GB), to compare with the page. */
function wallClock(iso: string, timeZone: string): { day: string; time: string } {
  const parts = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(new Date(iso));
  return { day: parts({ day: "numeric", month: "short" }), time: parts({ hour: "2-digit", minute: "2-digit" }) };
}

// Production React reports a mismatch by error number (418: server and client text differ).
const HYDRATION_ERROR = /hydrat|react\.dev\/errors\/(418|423|425)/i;

/** Collects any hydration mismatch React reports (server and browser wrote different times). */
function watchHydration(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && HYDRATION_ERROR.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => {
    if (HYDRATION_ERROR.test(error.message)) problems.push(error.message);
  });
  return problems;
}

/** A task that starts in about six weeks at 06:00 UTC: its start is a different wall-clock time per zone. */
async function createLaterTask(request: APIRequestContext) {
  const runAt = new Date(Date.now() + 42 * 24 * 3600_000);
  runAt.setUTCHours(6, 0, 0, 0);
  return createTaskViaApi(request, { title: uniqueTitle("Later"), prompt: "Say hello.", runAt: runAt.toISOString() });
}

test("a schedule at 07:00 Berlin reads 07:00 Berlin time after a reload, in Berlin and in Los Angeles", async ({ browser, baseURL, request }) => {
  // Only on 1 January, so it never fires while the suite runs.
  const response = await request.post("/api/schedules", {
    data: { title: uniqueTitle("New year brief"), prompt: "Say hello.", cron: "0 7 1 1 *", timezone: "Europe/Berlin" },
  });
  expect(response.status(), await response.text()).toBe(201);
  const { schedule } = (await response.json()) as { schedule: { id: string; nextRuns: string[] } };
  const next = schedule.nextRuns[0]!;

  for (const [name, options] of READERS) {
    const page = await openPage(browser, options, baseURL);
    const problems = watchHydration(page);
    await page.goto(`/schedules/${schedule.id}`);
    await page.reload();
    const first = page.locator('[aria-labelledby="next-heading"] time').first();
    await expect(first, name).toHaveText(/^\w{3}, 1 Jan( \d{4})?, 07:00 Berlin time$/);
    // The exact time on the reader's own clock is a hover (and a screen reader) away.
    const own = wallClock(next, options.timezoneId!);
    if (name === "Los Angeles") await expect(first).toHaveAttribute("title", new RegExp(`${own.day}.*${own.time} your time$`));
    else await expect(first).toHaveAttribute("title", new RegExp(`${own.day} \\d{4}, 07:00$`));

    await page.goto("/schedules");
    await page.reload();
    await expect(page.getByTestId("schedule-card").filter({ has: page.locator(`a[href="/schedules/${schedule.id}"]`) })).toContainText(/Next \w{3}, 1 Jan( \d{4})?, 07:00 Berlin time/);
    expect(problems, name).toEqual([]);
    await page.context().close();
  }
});

test("a task's start time reads on the reader's clock: first paint, reload and in-app navigation", async ({ browser, baseURL, request }) => {
  const task = await createLaterTask(request);
  for (const [name, options] of READERS) {
    const { day, time } = wallClock(task.runAt!, options.timezoneId!);
    const page = await openPage(browser, options, baseURL);
    const problems = watchHydration(page);
    // The very first request carries no cookie yet: the browser corrects the server's guess.
    await page.goto(`/tasks/${task.id}`);
    const start = page.getByText(/^Scheduled for/).locator("time");
    await expect(start, name).toContainText(`${day}`);
    await expect(start, name).toContainText(time);
    // From then on the server renders in the reader's zone itself: the HTML it sends says so.
    const html = await (await page.request.get(`/tasks/${task.id}`)).text();
    expect(html, name).toContain(time);
    await page.reload();
    await expect(start).toContainText(time);

    await page.goto("/");
    const card = page.getByTestId("task-card").filter({ hasText: task.title });
    await expect(card.locator("time")).toContainText(time);
    await card.click();
    await expect(page).toHaveURL(new RegExp(`/tasks/${task.id}$`));
    await expect(start).toContainText(`${day}`);
    await expect(start).toContainText(time);
    expect(problems, name).toEqual([]);
    await page.context().close();
  }
});

test("the inbox says how long ago a task was made, keeps counting, and gives the exact time on hover or a long press", async ({ browser, baseURL, request }) => {
  const page = await openPage(browser, BERLIN, baseURL);
  await page.clock.install();
  const task = await createTaskViaApi(request, { title: uniqueTitle("Just made"), prompt: "Say hello." });
  await page.goto("/");
  const created = page.getByTestId("task-card").filter({ hasText: task.title }).locator("time");
  await expect(created).toHaveText("just now");
  const createdAt = ((await (await request.get(`/api/tasks/${task.id}`)).json()) as { task: { createdAt: string } }).task.createdAt;
  const { day, time } = wallClock(createdAt, "Europe/Berlin");
  await expect(created).toHaveAttribute("title", new RegExp(`${day} \\d{4}, ${time}$`));
  await expect(created).toHaveAttribute("aria-label", new RegExp(`^just now \\(.*${time}\\)$`));

  await page.clock.fastForward("03:10");
  await expect(created).toHaveText("3 minutes ago");

  // Touch has no hover: a long press shows the exact time in place; another brings back the relative one.
  const touch = { pointerType: "touch", isPrimary: true };
  await created.dispatchEvent("pointerdown", touch);
  await expect(created).toHaveText(new RegExp(`${day} \\d{4}, ${time}$`));
  await created.dispatchEvent("pointerup", touch);
  await created.dispatchEvent("pointerdown", touch);
  await expect(created).toHaveText("3 minutes ago");
  await created.dispatchEvent("pointerup", touch);
  await page.context().close();
});

test("offline, a saved page shows times on the reader's clock, even one saved in another zone", async ({ browser, baseURL, request }) => {
  const task = await createLaterTask(request);
  const page = await openControlledPage(browser, baseURL, LOS_ANGELES);
  const card = page.getByTestId("task-card").filter({ hasText: task.title });
  const here = wallClock(task.runAt!, "America/Los_Angeles");
  const home = wallClock(task.runAt!, "Europe/Berlin");
  expect(here.time).not.toBe(home.time);

  // The copy the worker saves is rendered for Berlin (the cookie from before a trip)...
  await page.context().addCookies([{ name: "baton-clock", value: encodeURIComponent("Europe/Berlin en-GB"), url: baseURL! }]);
  await page.reload();
  await expect(card).toBeVisible();
  await expect.poll(() => page.evaluate(async () => Boolean(await caches.match("/", { ignoreVary: true })))).toBe(true);
  const saved = await page.evaluate(async () => (await (await caches.match("/", { ignoreVary: true }))!.text()));
  expect(saved).toContain(home.time);

  // ...but offline in Los Angeles, the page reads Los Angeles time.
  await page.context().setOffline(true);
  await page.reload();
  await expect(page.getByTestId("offline-banner")).toBeVisible();
  await expect(card.locator("time")).toContainText(here.time);
  await expect(card.locator("time")).toContainText(here.day);
  await page.context().close();
});
