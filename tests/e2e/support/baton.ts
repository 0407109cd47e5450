// Helpers that talk to Baton the way a client does: through its HTTP API and its pages.
import { OWNER_STATE } from "./auth";
import { devices, expect, type APIRequestContext, type Browser, type BrowserContextOptions, type Page } from "@playwright/test";

export interface TaskSummary {
  id: string;
  title: string;
  status: string;
  runAt: string | null;
}

/** A title no other test (or earlier run against a reused server) has used. */
export function uniqueTitle(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export async function createTaskViaApi(
  request: APIRequestContext,
  input: { title: string; prompt: string; runAt?: string },
): Promise<TaskSummary> {
  const response = await request.post("/api/tasks", {
    data: input,
    headers: { "Idempotency-Key": crypto.randomUUID() },
  });
  expect(response.status(), await response.text()).toBe(201);
  return ((await response.json()) as { task: TaskSummary }).task;
}

/** Every task of the (local) user, walking the API's pages. */
export async function listAllTasks(request: APIRequestContext): Promise<TaskSummary[]> {
  const tasks: TaskSummary[] = [];
  let cursor: string | null = null;
  do {
    const response = await request.get("/api/tasks", { params: { limit: 100, ...(cursor ? { cursor } : {}) } });
    expect(response.ok()).toBe(true);
    const page = (await response.json()) as { tasks: TaskSummary[]; nextCursor: string | null };
    tasks.push(...page.tasks);
    cursor = page.nextCursor;
  } while (cursor);
  return tasks;
}

// A phone: Pixel 7's mobile user agent, touch and pixel density, on a 390x844 screen (the
// narrowest common phone width, where overflow shows first), in the configured Chromium.
const { defaultBrowserType: _browserType, ...pixel7 } = devices["Pixel 7"];
export const phone: BrowserContextOptions = { ...pixel7, viewport: { width: 390, height: 844 }, screen: { width: 390, height: 844 } };
export const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
/** The desktop size the layout is judged at (issue 10): wide enough for the two-column pages. */
export const desktopWide: BrowserContextOptions = { viewport: { width: 1440, height: 900 } };

/** A new browser (context) signed in as the owner unless options say otherwise. */
export async function openPage(browser: Browser, options: BrowserContextOptions, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ storageState: OWNER_STATE, ...options, baseURL });
  return context.newPage();
}

/** Waits until the page's SSE stream is connected, so later changes reach it. */
export async function waitUntilLive(page: Page): Promise<void> {
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
}
