// The whole loop of a risky step on the phone: the worker sends the approval as a Web Push message
// (real web-push encryption and VAPID) to a push service on 127.0.0.1 that decrypts it; the message
// is handed to the phone's service worker as the push service would; pressing Approve on the
// notification decides with the single-use token, and the task resumes and completes.
import { expect, test } from "@playwright/test";
import { startPushReceiver, type PushReceiver } from "../fakes/push-receiver";
import { newHook, sinkRequests, startPostingTask } from "./support/approvals";
import { openPage, phone } from "./support/baton";
import { deliverPush, pressNotificationAction, shownNotifications } from "./support/push";

let receiver: PushReceiver;
test.beforeAll(async () => {
  receiver = await startPushReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});

test("approve from the notification: the task resumes and completes, and the timeline says how", async ({ browser, baseURL, request }) => {
  const page = await openPage(browser, { ...phone, permissions: ["notifications"] }, baseURL);
  await page.goto("/devices");
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toMatch(/\/sw\.js$/);
  // The browser's subscription would name a real push service; this one names the local receiver.
  const subscription = receiver.createSubscription();
  const api = page.context().request;
  const subscribed = await api.put("/api/push", { data: { subscription, kinds: ["approval", "completed"] } });
  expect(subscribed.status(), await subscribed.text()).toBe(200);

  try {
    const hookId = newHook();
    const task = await startPostingTask(request, hookId);
    await expect.poll(() => receiver.messages.filter((message) => message.subscriptionId === subscription.id).length, { timeout: 30_000 }).toBe(1);
    const [message] = receiver.messages.filter((entry) => entry.subscriptionId === subscription.id);
    expect(message!.urgency).toBe("high");
    const payload = message!.payload as { title: string; url: string; tag: string; tokens: Record<string, string> };
    expect(payload.url).toBe(`/tasks/${task.id}`);
    expect(payload.title).toBe(`Approve? ${task.title}`);

    await deliverPush(page, JSON.stringify(payload));
    await expect.poll(() => shownNotifications(page)).toMatchObject([
      { title: payload.title, tag: payload.tag, actions: [{ action: "approve", title: "Approve" }, { action: "deny", title: "Deny" }] },
    ]);
    expect(await sinkRequests(request, hookId)).toEqual([]);

    await pressNotificationAction(page, payload.tag, "approve");
    await expect.poll(() => shownNotifications(page)).toMatchObject([{ title: "Approved", body: payload.title, tag: payload.tag, actions: [] }]);
    await expect
      .poll(async () => ((await (await request.get(`/api/tasks/${task.id}`)).json()) as { task: { status: string } }).task.status, { timeout: 30_000 })
      .toBe("completed");
    expect(await sinkRequests(request, hookId)).toHaveLength(1);

    await page.goto(`/tasks/${task.id}`);
    await expect(page.getByTestId("approval-history-item")).toContainText("Approved");
    const timeline = page.getByTestId("timeline");
    await expect(timeline).toContainText("Notification sent to");
    await expect(timeline).toContainText("Approved: http_request");
    // The completion was announced too, and tapping that opens the result.
    await expect.poll(() => receiver.messages.filter((entry) => entry.subscriptionId === subscription.id).length, { timeout: 15_000 }).toBe(2);
    expect(receiver.messages.filter((entry) => entry.subscriptionId === subscription.id)[1]!.payload).toMatchObject({
      kind: "completed",
      url: `/tasks/${task.id}#result`,
    });

    // Tapping the completion notification (no button) brings the open window to the result.
    const completed = receiver.messages.filter((entry) => entry.subscriptionId === subscription.id)[1]!.payload as { tag: string };
    await page.goto("/");
    await deliverPush(page, JSON.stringify(completed));
    await expect.poll(async () => (await shownNotifications(page)).map((shown) => shown.tag)).toContain(completed.tag);
    await pressNotificationAction(page, completed.tag, "");
    await expect(page).toHaveURL(new RegExp(`/tasks/${task.id}#result$`));

    // The same Approve token again, from anywhere, is refused.
    const replay = await request.post("/api/approvals/token-decision", { data: { token: payload.tokens.approve } });
    expect(replay.status()).toBe(403);
  } finally {
    await api.delete("/api/push");
    await page.context().close();
  }
});
