// A risky tool call waits for the person, who decides on their phone: approve it as asked, deny it
// with a reason, or fix its arguments first. The e2e model (support/fake-services.ts) asks to POST
// to a local sink when the prompt carries postMarker(); the sink says what actually arrived.
import { expect, test } from "@playwright/test";
import { expectNoSideways, newHook, openApproval, sinkRequests, startPostingTask } from "./support/approvals";
import { openPage, phone, uniqueTitle } from "./support/baton";
import { POST_REASON, SINK_URL } from "./support/fakes";

test.describe("approvals on a phone", () => {
  test("approve: the call runs once and the task completes", async ({ browser, baseURL, request }) => {
    const hookId = newHook();
    const task = await startPostingTask(request, hookId);
    const page = await openPage(browser, phone, baseURL);
    const card = await openApproval(page, task.id);

    // Exactly what would run.
    await expect(card.getByTestId("approval-tool")).toHaveText("http_request");
    await expect(card.getByTestId("risk-badge")).toHaveAttribute("data-risk", "external");
    await expect(card.getByTestId("approval-target")).toHaveText(`POST ${SINK_URL}/hooks/${hookId}`);
    const args = JSON.parse((await card.getByTestId("approval-arguments").textContent()) ?? "") as Record<string, unknown>;
    expect(args).toMatchObject({ url: `${SINK_URL}/hooks/${hookId}`, method: "POST", body: { text: "Weekly status: all green." } });
    await expect(card).toContainText(/Expires .+/);
    // The agent's reason is model output: shown as text, markup and all, never rendered.
    await expect(card.getByTestId("approval-reason")).toHaveText(POST_REASON);
    await expect(card.locator("b")).toHaveCount(0);
    await expect(page.getByTestId("message-form")).toContainText("The agent reads it at its next step");
    await expectNoSideways(page);
    expect(await sinkRequests(request, hookId)).toEqual([]);

    await card.getByRole("button", { name: "Approve", exact: true }).tap();
    await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
    await expect(page.getByTestId("approval-card")).toHaveCount(0);
    await expect(page.getByTestId("artifact")).toContainText("The webhook call came back with");
    const history = page.getByTestId("approval-history-item");
    await expect(history).toHaveCount(1);
    await expect(history).toContainText("Approved");
    await expect(history).toContainText("By you on the web");
    await expect(page.getByTestId("timeline")).toContainText("Approved: http_request");

    const received = await sinkRequests(request, hookId);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", contentType: "application/json" });
    expect(JSON.parse(received[0]!.body)).toEqual({ text: "Weekly status: all green." });
    await page.context().close();
  });

  test("deny with a reason: nothing is sent, the agent answers anyway, and a follow-up starts a new run", async ({ browser, baseURL, request }) => {
    const hookId = newHook();
    const task = await startPostingTask(request, hookId);
    const page = await openPage(browser, phone, baseURL);
    const card = await openApproval(page, task.id);

    await card.getByRole("button", { name: "Deny" }).tap();
    const reason = card.getByLabel("Reason (optional)");
    await expect(reason).toBeFocused();
    await reason.fill("Not this week: the numbers are not final.");
    await card.getByRole("button", { name: "Deny" }).tap();

    await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
    const artifact = page.getByTestId("artifact");
    await expect(artifact).toContainText("The person denied this http_request call.");
    await expect(artifact).toContainText("Not this week: the numbers are not final.");
    const history = page.getByTestId("approval-history-item");
    await expect(history).toContainText("Denied");
    await expect(history).toContainText("“Not this week: the numbers are not final.”");
    expect(await sinkRequests(request, hookId)).toEqual([]);

    // Finished work: a message starts a new run in the same thread.
    const form = page.getByTestId("message-form");
    await expect(form).toContainText("Starts a new run with the earlier context");
    await form.getByRole("textbox").fill("Thanks. Draft it for next week instead.");
    await form.getByRole("button", { name: "Send" }).tap();
    await expect(form).toContainText("Sent. A new run is starting.");
    await expect(page.getByText("Run 2", { exact: true })).toBeVisible();
    await expect(page.getByTestId("timeline")).toContainText("You: Thanks. Draft it for next week instead.");
    await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
    // The new run answered the message from the thread and did not ask again.
    await expect(page.getByTestId("artifact").first()).toContainText("Noted: Thanks. Draft it for next week instead.");
    await expect(page.getByTestId("approval-history-item")).toHaveCount(1);
    expect(await sinkRequests(request, hookId)).toEqual([]);
    await page.context().close();
  });

  test("edit arguments: bad JSON and bad fields are explained, a fixed edit is what runs", async ({ browser, baseURL, request }) => {
    const hookId = newHook();
    const editedHookId = newHook();
    const task = await startPostingTask(request, hookId);
    const page = await openPage(browser, phone, baseURL);
    const card = await openApproval(page, task.id);

    await card.getByRole("button", { name: "Edit arguments" }).tap();
    const editor = card.getByLabel("Arguments (JSON)");
    await expect(editor).toBeFocused();
    expect(JSON.parse(await editor.inputValue())).toMatchObject({ url: `${SINK_URL}/hooks/${hookId}`, method: "POST" });

    // Not JSON at all.
    await editor.fill('{ "url": "oops", ');
    await card.getByRole("button", { name: "Approve with edits" }).tap();
    await expect(card.getByTestId("approval-error")).toContainText("The arguments are not valid JSON");
    await expect(editor).toHaveAttribute("aria-invalid", "true");

    // JSON, but not what the tool accepts: the server's field errors are shown.
    await editor.fill(JSON.stringify({ url: "ftp://example.com/file", method: "PATCH" }));
    await card.getByRole("button", { name: "Approve with edits" }).tap();
    const error = card.getByTestId("approval-error");
    await expect(error).toContainText("These arguments do not fit http_request.");
    await expect(error).toContainText("url");
    await expect(error).toContainText("method");
    await expectNoSideways(page);
    await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "waiting_approval");

    // A valid edit runs instead of the agent's call.
    await editor.fill(JSON.stringify({ url: `${SINK_URL}/hooks/${editedHookId}`, method: "POST", body: { text: "Status: amber." } }, null, 2));
    await card.getByRole("button", { name: "Approve with edits" }).tap();
    await expect(page.getByTestId("status-chip")).toHaveAttribute("data-status", "completed", { timeout: 30_000 });
    await expect(page.getByTestId("approval-history-item")).toContainText("Approved with edits");
    expect(await sinkRequests(request, hookId)).toEqual([]);
    const received = await sinkRequests(request, editedHookId);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ text: "Status: amber." });
    await page.context().close();
  });

  test("the approvals page and the inbox filter list what waits, and lead to the task", async ({ browser, baseURL, request }) => {
    const title = uniqueTitle("Webhook report");
    const task = await startPostingTask(request, newHook(), title);
    const page = await openPage(browser, phone, baseURL);
    await openApproval(page, task.id);

    await expect(page.getByTestId("approvals-count")).toBeVisible();
    await page.getByTestId("approvals-nav").tap();
    await expect(page).toHaveURL(/\/approvals$/);
    await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();
    const item = page.getByTestId("approval-list-item").filter({ hasText: title });
    await expect(item).toContainText("http_request");
    await expect(item.getByTestId("risk-badge")).toHaveText("External effect");
    await expectNoSideways(page);

    await page.goto("/?status=waiting_approval");
    const card = page.getByTestId("task-card").filter({ hasText: title });
    await expect(card.getByTestId("task-card-approval")).toContainText("Asks to run http_request");

    await page.goto("/approvals");
    await page.getByTestId("approval-list-item").filter({ hasText: title }).tap();
    await expect(page).toHaveURL(new RegExp(`/tasks/${task.id}$`));
    await expect(page.getByTestId("approval-card")).toBeVisible();

    // Leave nothing pending for the tests after this one.
    expect((await request.post(`/api/tasks/${task.id}/cancel`)).ok()).toBe(true);
    await expect(page.getByTestId("approval-card")).toHaveCount(0);
    await expect(page.getByTestId("approval-history-item")).toContainText("Dismissed");
    await page.goto("/approvals");
    await expect(page.getByTestId("approval-list-item").filter({ hasText: title })).toHaveCount(0);
    await page.context().close();
  });
});
