// The layout at phone size (390x844, touch) and desktop size: the tab bar, tap targets on every
// page, dark mode, the approval card above the fold, and what the inbox cards say.
import { expect, test, type APIRequestContext, type BrowserContextOptions, type Page } from "@playwright/test";
import { newHook, openApproval, startPostingTask } from "./support/approvals";
import { createTaskViaApi, desktopWide, openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";
import { bodyLuminance, lightBoxes, lowContrastText } from "./support/colors";
import { smallTapTargets } from "./support/tap-targets";

const signedOut = { cookies: [], origins: [] };

async function createSchedule(request: APIRequestContext, title = uniqueTitle("Layout schedule")): Promise<string> {
  const created = await request.post("/api/schedules", { data: { title, prompt: "Say hello.", cron: "0 8 * * 1", timezone: "Europe/Berlin" } });
  expect(created.status(), await created.text()).toBe(201);
  return ((await created.json()) as { schedule: { id: string } }).schedule.id;
}

/** A demo task split into two sub-tasks (spawn_subtasks), once both have been created: the parent's id and a sub-task's. */
async function createSplitTask(request: APIRequestContext): Promise<{ parentId: string; subtaskId: string }> {
  const created = await request.post("/api/tasks", {
    data: { title: uniqueTitle("Layout split"), prompt: "In parallel: Say hello; Say goodbye", provider: "demo", model: "scripted" },
    headers: { "Idempotency-Key": crypto.randomUUID() },
  });
  expect(created.status(), await created.text()).toBe(201);
  const parentId = ((await created.json()) as { task: { id: string } }).task.id;
  let subtaskId = "";
  await expect
    .poll(
      async () => {
        const { task } = (await (await request.get(`/api/tasks/${parentId}`)).json()) as { task: { subtasks: { id: string }[] } };
        subtaskId = task.subtasks[0]?.id ?? "";
        return task.subtasks.length;
      },
      { timeout: 30_000 },
    )
    .toBe(2);
  return { parentId, subtaskId };
}

/** One of each kind of page, with the data that fills it: a finished task, one waiting for a decision, a schedule, sub-tasks. */
async function everyPage(request: APIRequestContext) {
  const done = await createTaskViaApi(request, { title: uniqueTitle("Layout finished"), prompt: "Say hello." });
  const waiting = await startPostingTask(request, newHook(), uniqueTitle("Layout waiting"));
  const scheduleId = await createSchedule(request);
  const split = await createSplitTask(request);
  const visits: { path: string; ready?: (page: Page) => Promise<void> }[] = [
    { path: "/", ready: (page) => expect(page.getByTestId("task-card").first()).toBeVisible() },
    { path: "/?status=waiting_approval" },
    { path: "/approvals" },
    { path: "/schedules" },
    { path: `/schedules/${scheduleId}` },
    { path: `/schedules/${scheduleId}/edit` },
    { path: "/schedules/new?template=morning-briefing", ready: (page) => expect(page.getByTestId("next-runs").locator("li")).toHaveCount(5) },
    { path: "/tasks/new" },
    { path: `/tasks/${done.id}`, ready: (page) => expect(page.getByTestId("artifact").first()).toBeVisible({ timeout: 30_000 }) },
    { path: `/tasks/${waiting.id}`, ready: (page) => expect(page.getByTestId("approval-card")).toBeVisible({ timeout: 30_000 }) },
    { path: `/tasks/${split.parentId}`, ready: (page) => expect(page.getByTestId("subtask-link")).toHaveCount(2) },
    { path: `/tasks/${split.subtaskId}`, ready: (page) => expect(page.getByTestId("parent-task-link")).toBeVisible() },
    { path: "/settings" },
    { path: "/devices", ready: (page) => expect(page.getByTestId("device-list")).toBeVisible() },
    { path: "/people" },
    { path: "/models" },
    { path: "/credentials" },
  ];
  const signedOutVisits = ["/sign-in", "/pair?code=ABCD-EFGH"];
  const cleanUp = async () => expect((await request.post(`/api/tasks/${waiting.id}/cancel`)).ok()).toBe(true);
  return { visits, signedOutVisits, cleanUp };
}

async function forEachPage(
  request: APIRequestContext,
  open: (storageState?: BrowserContextOptions["storageState"]) => Promise<Page>,
  check: (page: Page, where: string) => Promise<void>,
) {
  const { visits, signedOutVisits, cleanUp } = await everyPage(request);
  const page = await open();
  for (const visit of visits) {
    await page.goto(visit.path);
    await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
    await visit.ready?.(page);
    await check(page, visit.path);
  }
  const stranger = await open(signedOut);
  for (const path of signedOutVisits) {
    await stranger.goto(path);
    await expect(stranger.getByRole("heading", { level: 1 })).toBeVisible();
    await check(stranger, path);
  }
  await cleanUp();
  await Promise.all([page.context().close(), stranger.context().close()]);
}

test("every page on a phone: each control at least 44x44 px (the More menu's too), and text at AA contrast", async ({ browser, baseURL, request }) => {
  const offenders: string[] = [];
  const record = async (page: Page, where: string) => {
    for (const offender of await smallTapTargets(page)) offenders.push(`${where}: ${offender}`);
    for (const text of await lowContrastText(page)) offenders.push(`${where}: low contrast ${text}`);
  };
  await forEachPage(request, (storageState) => openPage(browser, { ...phone, ...(storageState ? { storageState } : {}) }, baseURL), async (page, where) => {
    await record(page, where);
    if (where === "/settings") {
      await page.getByTestId("tab-bar").getByRole("button", { name: "More" }).tap();
      await expect(page.getByRole("link", { name: "Devices" })).toBeVisible();
      await record(page, `${where} (More open)`);
    }
  });
  expect(offenders, "controls under 44x44 px, or text hard to read").toEqual([]);
});

test("dark mode follows the system: dark pages, light text, no white cards, readable contrast", async ({ browser, baseURL, request }) => {
  const problems: string[] = [];
  const open = (storageState?: BrowserContextOptions["storageState"]) =>
    openPage(browser, { ...phone, colorScheme: "dark", ...(storageState ? { storageState } : {}) }, baseURL);
  await forEachPage(request, open, async (page, where) => {
    const body = await bodyLuminance(page);
    // null: nothing painted (transparent), which leaves the browser's own canvas colour.
    if (body.background === null || body.background > 0.05) problems.push(`${where}: page background luminance ${body.background}`);
    if (body.text === null || body.text < 0.6) problems.push(`${where}: text luminance ${body.text}`);
    // The pairing QR code stays white: scanners want dark modules on a light ground.
    for (const box of await lightBoxes(page, 0.4, '[aria-label^="QR code"]')) problems.push(`${where}: light box ${box}`);
    for (const text of await lowContrastText(page)) problems.push(`${where}: low contrast ${text}`);
  });
  expect(problems).toEqual([]);

  // Form controls and scrollbars follow too (color-scheme), and the browser's bar matches the page.
  const page = await open();
  await page.goto("/tasks/new");
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe("light dark");
  const field = await page.getByLabel("Title").evaluate((input) => getComputedStyle(input).backgroundColor);
  expect(field).not.toBe("rgb(255, 255, 255)");
  await page.context().close();
});

test("a task waiting for approval on a phone: the card comes first, Approve and Deny fully on screen above the tab bar, Cancel below them", async ({ browser, baseURL, request }) => {
  const task = await startPostingTask(request, newHook(), "Post the weekly status to the team webhook before the Monday meeting with everyone");
  const page = await openPage(browser, phone, baseURL);
  const card = await openApproval(page, task.id);
  const box = async (locator: ReturnType<Page["locator"]>) => (await locator.boundingBox())!;
  const approve = await box(card.getByRole("button", { name: "Approve", exact: true }));
  const deny = await box(card.getByRole("button", { name: "Deny", exact: true }));
  const tabBar = await box(page.getByTestId("tab-bar"));
  const cancel = await box(page.getByRole("button", { name: "Cancel task" }));
  const title = await box(page.getByRole("heading", { level: 1 }));
  const cardTop = (await box(card)).y;

  for (const [name, button] of [["Approve", approve], ["Deny", deny]] as const) {
    expect(button.y, `${name} starts below the top bar`).toBeGreaterThanOrEqual(56);
    expect(button.y + button.height, `${name} ends above the tab bar`).toBeLessThanOrEqual(tabBar.y);
    expect(button.x + button.width).toBeLessThanOrEqual(390);
  }
  expect(tabBar.y + tabBar.height).toBeLessThanOrEqual(844);
  expect(cancel.y, "Cancel is below the decision").toBeGreaterThan(Math.max(approve.y + approve.height, deny.y + deny.height));
  expect(cardTop, "the card is above the task's title").toBeLessThan(title.y);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  expect((await request.post(`/api/tasks/${task.id}/cancel`)).ok()).toBe(true);
  await page.context().close();
});

test("the phone's tab bar navigates, marks where you are, keeps New task in reach and covers nothing; the desktop has a top bar", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/");
  const tabs = page.getByTestId("tab-bar");
  const newTask = page.getByRole("link", { name: "New task" });
  await expect(newTask).toBeInViewport();
  await expect(tabs.getByRole("link", { name: "Inbox" })).toHaveAttribute("aria-current", "page");

  await tabs.getByRole("link", { name: /^Approvals/ }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
  await expect(tabs.getByTestId("approvals-nav")).toHaveAttribute("aria-current", "page");
  await tabs.getByRole("link", { name: "Schedules" }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Schedules" })).toBeVisible();

  const more = tabs.getByRole("button", { name: "More" });
  await expect(tabs.getByRole("link", { name: "Settings" })).toBeHidden();
  await more.tap();
  for (const name of ["Settings", "Devices", "People", "Models"]) await expect(tabs.getByRole("link", { name })).toBeVisible();
  await expect(tabs.getByRole("button", { name: "Sign out" })).toBeVisible();
  await tabs.getByRole("link", { name: "Devices" }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Devices" })).toBeVisible();
  // Following a link closes the menu; More is where Devices lives.
  await expect(tabs.getByRole("link", { name: "Settings" })).toBeHidden();
  await expect(more).toHaveAttribute("aria-current", "page");
  await more.tap();
  await tabs.getByRole("link", { name: "Settings" }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();

  // The end of a page scrolls clear of the bar.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const last = page.locator("main > * > *").last();
  const lastBox = (await last.boundingBox())!;
  expect(lastBox.y + lastBox.height).toBeLessThanOrEqual((await tabs.boundingBox())!.y);
  await expect(newTask).toBeVisible();
  await page.context().close();

  // A desktop: the same links in the top bar, no bottom bar, More's items inline.
  const computer = await openPage(browser, desktopWide, baseURL);
  await computer.goto("/settings");
  const bar = computer.getByTestId("tab-bar");
  // The bar streams in after the page's first bytes: wait for it rather than measuring nothing.
  await expect(bar).toBeVisible();
  expect((await bar.boundingBox())!.y).toBeLessThan(56);
  await expect(bar.getByRole("button", { name: "More" })).toBeHidden();
  await expect(bar.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
  await bar.getByRole("link", { name: "Devices" }).click();
  await expect(computer.getByRole("heading", { level: 1, name: "Devices" })).toBeVisible();
  await computer.context().close();
});

test("a desktop uses its width: the task page in two columns, the inbox in two", async ({ browser, baseURL, request }) => {
  const task = await createTaskViaApi(request, { title: uniqueTitle("Wide"), prompt: "Say hello." });
  const page = await openPage(browser, desktopWide, baseURL);
  await page.goto(`/tasks/${task.id}`);
  await expect(page.getByTestId("artifact")).toBeVisible({ timeout: 30_000 });
  const result = (await page.getByTestId("artifact").boundingBox())!;
  const timeline = (await page.getByTestId("timeline").boundingBox())!;
  expect(timeline.x, "the timeline is beside the result").toBeGreaterThan(result.x + result.width);
  expect(timeline.y).toBeLessThan(result.y + result.height);
  await page.goto("/");
  const cards = page.getByTestId("task-card");
  const [first, second] = [(await cards.nth(0).boundingBox())!, (await cards.nth(1).boundingBox())!];
  expect(second.y).toBe(first.y);
  expect(first.width + second.width).toBeGreaterThan(900);
  await page.context().close();
});

test("inbox cards: a line of the result, a mark on scheduled runs, right-to-left titles laid out right to left", async ({ browser, baseURL, request }) => {
  const done = await createTaskViaApi(request, { title: uniqueTitle("Preview"), prompt: "Say hello." });
  const rtl = await createTaskViaApi(request, { title: `ملخص الصباح ${uniqueTitle("")}`, prompt: "Say hello.", runAt: new Date(Date.now() + 3600_000).toISOString() });
  const scheduleId = await createSchedule(request);
  const run = await request.post(`/api/schedules/${scheduleId}/run`);
  expect(run.status()).toBe(202);
  const { taskId: runId } = (await run.json()) as { taskId: string };

  const page = await openPage(browser, phone, baseURL);
  await page.goto(`/tasks/${done.id}`);
  const answer = page.getByTestId("artifact").first();
  await expect(answer).toBeVisible({ timeout: 30_000 });
  const firstLine = (await answer.locator(".artifact-markdown > *").first().textContent())!.trim();

  await page.goto("/");
  await waitUntilLive(page);
  const card = (id: string) => page.locator(`[data-testid=task-card][data-task-id="${id}"]`);
  await expect(card(done.id).getByTestId("task-card-preview")).toHaveText(firstLine);
  await expect(card(done.id).getByTestId("task-card-scheduled")).toHaveCount(0);
  await expect(card(runId).getByTestId("task-card-scheduled")).toHaveText(/Scheduled run/);
  expect(await card(rtl.id).getByRole("heading").evaluate((heading) => getComputedStyle(heading).direction)).toBe("rtl");
  await page.context().close();
});

test("forms: the prompt shows its length and limit; the schedule form keeps Custom cron and the labels' case after a refusal", async ({ browser, baseURL }) => {
  const page = await openPage(browser, phone, baseURL);
  await page.goto("/tasks/new");
  await expect(page.getByTestId("prompt-length")).toHaveText("0 / 20,000 characters");
  await page.getByLabel("What should Baton do?").fill("Summarize my day.");
  await expect(page.getByTestId("prompt-length")).toHaveText("17 / 20,000 characters");
  // Refused for the missing title: the prompt and its count stay.
  await page.getByRole("button", { name: "Start task" }).tap();
  await expect(page.getByText("Give the task a title.")).toBeVisible();
  await expect(page.getByLabel("What should Baton do?")).toHaveValue("Summarize my day.");
  await expect(page.getByTestId("prompt-length")).toHaveText("17 / 20,000 characters");

  await page.goto("/schedules/new");
  await page.getByLabel("What should Baton do each time?").fill("Say hello.");
  await page.getByLabel("When").selectOption("custom");
  await page.getByLabel("Cron expression").fill("15 6 * * 2");
  await page.getByRole("button", { name: "Create schedule" }).tap();
  await expect(page.getByText("Give the schedule a title.")).toBeVisible();
  await expect(page.getByLabel("When")).toHaveValue("custom");
  await expect(page.getByLabel("Cron expression")).toHaveValue("15 6 * * 2");

  // The template starts filled with the demo sources; emptied, the field's own label names it.
  await page.goto("/schedules/new?template=morning-briefing");
  await page.getByLabel("Feeds (RSS or Atom)").fill("");
  await page.getByRole("button", { name: "Create schedule" }).tap();
  await expect(page.getByText("Fill in “Feeds (RSS or Atom)”.")).toBeVisible();

  await page.context().close();
});
