// Helpers shared by the approval end-to-end tests and the approval screenshots.
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { createTaskViaApi, uniqueTitle, waitUntilLive } from "./baton";
import { postMarker, SINK_URL, type SinkRequest } from "./fakes";

export function newHook(): string {
  return `hook-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export async function sinkRequests(request: APIRequestContext, hookId: string): Promise<SinkRequest[]> {
  const response = await request.get(`${SINK_URL}/requests/${hookId}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { requests: SinkRequest[] }).requests;
}

export async function startPostingTask(request: APIRequestContext, hookId: string, title = uniqueTitle("Weekly status")) {
  return createTaskViaApi(request, { title, prompt: `Post the weekly status to the team webhook.\n${postMarker(hookId)}` });
}

/** Opens the task on the phone and waits for the approval card. */
export async function openApproval(page: Page, taskId: string) {
  await page.goto(`/tasks/${taskId}`);
  await waitUntilLive(page);
  const card = page.getByTestId("approval-card");
  await expect(card).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "waiting_approval");
  return card;
}

export async function expectNoSideways(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
}
