// A scheduled task can be canceled from its page, and a retry starts it again right away.
import { expect, test } from "@playwright/test";
import { createTaskViaApi, uniqueTitle, waitUntilLive } from "./support/baton";

test("cancel a scheduled task, then retry it to completion", async ({ page, request }) => {
  const runAt = new Date(Date.now() + 60 * 60_000).toISOString();
  const task = await createTaskViaApi(request, { title: uniqueTitle("Scheduled report"), prompt: "Draft the weekly report.", runAt });
  expect(task.status).toBe("queued");

  await page.goto(`/tasks/${task.id}`);
  await waitUntilLive(page);
  const chip = page.getByTestId("status-chip");
  await expect(chip).toHaveAttribute("data-status", "queued");
  await expect(page.getByText(/^Scheduled for /)).toBeVisible();
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);

  await page.getByRole("button", { name: "Cancel task" }).click();
  await expect(chip).toHaveAttribute("data-status", "canceled");
  await expect(chip).toHaveText("Canceled");
  await expect(page.getByRole("button", { name: "Cancel task" })).toHaveCount(0);
  await expect(page.getByTestId("timeline")).toContainText("Canceled: Canceled by you");
  const retry = page.getByRole("button", { name: "Retry" });
  await expect(retry).toBeVisible();

  // The API agrees with the page.
  const canceled = (await (await request.get(`/api/tasks/${task.id}`)).json()) as { task: { status: string } };
  expect(canceled.task.status).toBe("canceled");

  // A retry is a new run that starts now, not at the original start time.
  await retry.click();
  await expect(chip).not.toHaveAttribute("data-status", "canceled");
  await expect(page.getByTestId("timeline")).toContainText("Queued: Retry requested");
  await expect(page.getByText("Run 2")).toBeVisible();
  await expect(page.getByText(/^Scheduled for /)).toHaveCount(0);
  await expect(chip).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(page.getByTestId("artifact").getByRole("heading", { level: 1 })).toHaveText("Draft the weekly report.");
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
});
