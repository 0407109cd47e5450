// Live means live: a task created on the phone goes through every state on the desktop inbox that
// was already open, without a reload, and each state shows as soon as its change event arrives.
// The probe (support/live-probe.ts) records, inside each page, when an SSE message arrived and when
// the chip showing its state was painted; the test prints those latencies and asserts only that
// every state was shown (timing is a figure to read, not a pass mark on a shared machine).
import { expect, test } from "@playwright/test";
import { newHook } from "./support/approvals";
import { openPage, phone, uniqueTitle, waitUntilLive } from "./support/baton";
import { postMarker } from "./support/fakes";
import { announcedStatuses, installLiveProbe, latencies, notShown, readProbe, refreshSummary, stateDurations, statesShown, timingReport } from "./support/live-probe";

const desktopScreen = { viewport: { width: 1440, height: 900 } };

test("every state of a task made on the phone shows on the open desktop inbox as its event arrives", async ({ browser, baseURL }, testInfo) => {
  test.setTimeout(90_000);
  const title = uniqueTitle("Live status");
  // The e2e model asks to POST to the sink for this prompt, so the task waits for approval: a state
  // that lasts until the phone decides, between two runs of "running" (each >= the model's 1.5 s).
  const prompt = `Post the weekly status to the team webhook.\n${postMarker(newHook())}`;

  const inbox = await openPage(browser, desktopScreen, baseURL);
  await installLiveProbe(inbox.context());
  await inbox.goto("/");
  await waitUntilLive(inbox);
  // A full page load would wipe this; live updates must not need one.
  await inbox.evaluate(() => Object.assign(window, { __noReload: true }));

  const handset = await openPage(browser, phone, baseURL);
  await installLiveProbe(handset.context());
  await handset.goto("/tasks/new");
  await handset.getByLabel("Title").fill(title);
  await handset.getByLabel("What should Baton do?").fill(prompt);
  await handset.getByRole("button", { name: "Start task" }).tap();
  await expect(handset).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  const taskId = handset.url().split("/").at(-1)!;
  await waitUntilLive(handset);

  const card = inbox.getByTestId("task-card").filter({ hasText: title });
  await expect(card).toHaveAttribute("data-task-id", taskId);
  await expect(card.getByTestId("status-chip")).toHaveAttribute("data-status", "waiting_approval", { timeout: 30_000 });

  const approval = handset.getByTestId("approval-card");
  await approval.getByRole("button", { name: "Approve", exact: true }).tap();
  await expect(card.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
  await expect(handset.getByTestId("status-chip")).toHaveAttribute("data-status", "completed");

  const desktopRecord = await readProbe(inbox);
  const phoneRecord = await readProbe(handset);
  const announced = announcedStatuses(desktopRecord, taskId);
  const shownOnDesktop = await statesShown(inbox, taskId);
  const rows = [...latencies("desktop inbox", desktopRecord, taskId), ...latencies("phone task page", phoneRecord, taskId)];
  const missed = notShown(announced, shownOnDesktop).map((status) => `${status} (desktop inbox)`);
  const report = [
    timingReport(`Live timing: task ${taskId}, announced ${announced.join(" → ")}, desktop showed ${shownOnDesktop.join(" → ")}`, rows, missed),
    `time in each state: ${stateDurations(desktopRecord, taskId)}`,
    refreshSummary("desktop inbox", desktopRecord),
    refreshSummary("phone task page", phoneRecord),
  ].join("\n");
  console.log(report);
  await testInfo.attach("live timing", { body: report, contentType: "text/plain" });

  // Every state the server announced, in order, and nothing the task did not pass through.
  expect(announced).toEqual(["queued", "running", "waiting_approval", "running", "completed"]);
  expect(shownOnDesktop).toEqual(announced);
  expect(await inbox.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);

  await handset.context().close();
  await inbox.context().close();
});
