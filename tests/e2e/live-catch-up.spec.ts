// A page must not miss a change made after the server rendered it but before its live stream
// connected (a slow phone hydrates for seconds): it catches up when the stream opens.
import { expect, test } from "@playwright/test";
import { createTaskViaApi, uniqueTitle } from "./support/baton";

test("a change made while the page is still connecting shows up once it is live", async ({ page, request }) => {
  const runAt = new Date(Date.now() + 60 * 60_000).toISOString();
  const task = await createTaskViaApi(request, { title: uniqueTitle("Later"), prompt: "Say hello.", runAt });

  // Hold the page's event stream until the change has been made elsewhere.
  let changed!: () => void;
  const changeMade = new Promise<void>((resolve) => (changed = resolve));
  await page.route("**/api/events", async (route) => {
    await changeMade;
    await route.continue();
  });

  await page.goto(`/tasks/${task.id}`);
  const chip = page.getByTestId("status-chip");
  await expect(chip).toHaveAttribute("data-status", "queued");
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "connecting");
  await page.evaluate(() => Object.assign(window, { __noReload: true }));

  // Another device cancels the task.
  expect((await request.post(`/api/tasks/${task.id}/cancel`)).ok()).toBe(true);
  changed();

  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
  await expect(chip).toHaveAttribute("data-status", "canceled");
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
  expect(await page.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);
});
