// People and devices: a phone pairs with a code from the signed-in desktop, an invited second
// person sees nothing of the owner's (by page, by API, by guessing ids), and guessing passwords
// runs into the rate limit.
import { expect, request as playwrightRequest, test } from "@playwright/test";
import { startPostingTask, newHook } from "./support/approvals";
import { createTaskViaApi, desktop, openPage, phone, uniqueTitle } from "./support/baton";
import { inviteAndJoin, signedOut } from "./support/invite";

test("pairing: the desktop shows a code, the phone types it and is signed in; revoking signs it out", async ({ browser, baseURL }) => {
  const computer = await openPage(browser, desktop, baseURL);
  await computer.goto("/devices");
  await expect(computer.getByTestId("pair-device-panel")).toHaveAttribute("data-live", "live");
  await computer.evaluate(() => Object.assign(window, { __noReload: true }));
  await computer.getByRole("button", { name: "Pair a phone or another computer" }).click();
  const code = (await computer.getByTestId("pairing-code").textContent())!;
  expect(code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  await expect(computer.getByRole("img", { name: /QR code/ }).locator("svg")).toBeVisible();

  const handset = await openPage(browser, { ...phone, storageState: signedOut }, baseURL);
  await handset.goto("/");
  await expect(handset).toHaveURL(/\/sign-in$/);
  await handset.getByRole("link", { name: "Pair this one with a code" }).tap();
  await handset.getByLabel("Pairing code").fill(code.toLowerCase());
  await handset.getByLabel("Name this device (optional)").fill("Test phone");
  await handset.getByRole("button", { name: "Sign in this device" }).tap();
  await expect(handset).toHaveURL(/\/$/);
  await expect(handset.getByRole("link", { name: "New task" })).toBeVisible();
  // The desktop that made the code says so at once, and lists the phone, without a reload.
  await expect(computer.getByTestId("paired-device")).toHaveText("Paired: Test phone");
  await expect(computer.getByTestId("pairing-code")).toHaveCount(0);
  await expect(computer.getByTestId("device").filter({ hasText: "Test phone" })).toBeVisible();
  expect(await computer.evaluate(() => (window as { __noReload?: boolean }).__noReload)).toBe(true);

  // Single use: a second phone with the same code gets a clear refusal.
  const other = await openPage(browser, { ...phone, storageState: signedOut }, baseURL);
  await other.goto(`/pair?code=${code}`);
  await other.getByRole("button", { name: "Sign in this device" }).tap();
  await expect(other.locator("#form-message")).toHaveText("That code has expired or was already used. Make a new one on your signed-in device.");

  // The desktop lists the phone and signs it out; the phone's next request finds no session.
  await computer.reload();
  // A used code is no longer open; a new one is, until canceled.
  await expect(computer.getByTestId("open-pairing-codes")).toHaveCount(0);
  await computer.getByRole("button", { name: "Pair a phone or another computer" }).click();
  await expect(computer.getByTestId("pairing-code")).toBeVisible();
  // Left open and forgotten (the page reloaded): it is listed until canceled.
  await computer.reload();
  await expect(computer.getByTestId("open-pairing-codes").getByRole("listitem")).toHaveCount(1);
  await computer.getByTestId("open-pairing-codes").getByRole("button", { name: "Cancel" }).click();
  await expect(computer.getByTestId("open-pairing-codes")).toHaveCount(0);
  const phoneRow = computer.getByTestId("device").filter({ hasText: "Test phone" });
  await expect(phoneRow).toContainText("notifications off");
  computer.once("dialog", (dialog) => void dialog.accept());
  await phoneRow.getByRole("button", { name: "Sign out" }).click();
  await expect(phoneRow).toHaveCount(0);
  await handset.goto("/tasks/new");
  await expect(handset).toHaveURL(/\/sign-in/);

  // A phone can also sign itself out, from its own device page; the desktop sees it gone.
  await computer.getByRole("button", { name: "Pair a phone or another computer" }).click();
  const secondCode = (await computer.getByTestId("pairing-code").textContent())!;
  await handset.goto(`/pair?code=${secondCode}`);
  await handset.getByLabel("Name this device (optional)").fill("Second phone");
  await handset.getByRole("button", { name: "Sign in this device" }).tap();
  await expect(handset.getByRole("link", { name: "New task" })).toBeVisible();
  await handset.goto("/devices");
  await handset.getByTestId("device").filter({ hasText: "this device" }).getByRole("button", { name: "Sign out" }).tap();
  await expect(handset).toHaveURL(/\/sign-in/);
  await computer.reload();
  await expect(computer.getByTestId("device").filter({ hasText: "Second phone" })).toHaveCount(0);
  await Promise.all([computer.context().close(), handset.context().close(), other.context().close()]);
});

test("a second person sees none of the owner's tasks, results or approvals: not by page, API or guessed id", async ({ browser, baseURL, request }) => {
  const secret = await createTaskViaApi(request, { title: uniqueTitle("Owner's private brief"), prompt: "Only for the owner." });
  const waiting = await startPostingTask(request, newHook(), uniqueTitle("Owner's webhook"));
  const scheduleTitle = uniqueTitle("Owner's schedule");
  const schedule = await request.post("/api/schedules", { data: { title: scheduleTitle, prompt: "Only for the owner.", cron: "0 8 * * 1", timezone: "UTC" } });
  expect(schedule.status()).toBe(201);
  const ownerSchedule = ((await schedule.json()) as { schedule: { id: string } }).schedule.id;
  let artifactUrl = "";
  await expect(async () => {
    const detail = (await (await request.get(`/api/tasks/${secret.id}`)).json()) as { task: { status: string; artifacts: Array<{ url: string }> } };
    expect(detail.task.status).toBe("completed");
    artifactUrl = detail.task.artifacts[0]!.url;
  }).toPass({ timeout: 30_000 });
  await expect(async () => {
    const approvals = (await (await request.get("/api/approvals")).json()) as { approvals: Array<{ id: string; taskId: string }> };
    expect(approvals.approvals.some((approval) => approval.taskId === waiting.id)).toBe(true);
  }).toPass({ timeout: 30_000 });
  const approvalId = ((await (await request.get("/api/approvals")).json()) as { approvals: Array<{ id: string; taskId: string }> }).approvals.find(
    (approval) => approval.taskId === waiting.id,
  )!.id;

  const { page } = await inviteAndJoin(browser, baseURL, "Gus Guest");
  await expect(page.getByText(secret.title)).toHaveCount(0);
  await expect(page.getByText(waiting.title)).toHaveCount(0);
  await page.goto(`/tasks/${secret.id}`);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText(secret.title);
  await expect(page.getByText(secret.title)).toHaveCount(0);
  // Someone else's schedule is not found, and the page says which kind of thing is missing.
  await page.goto(`/schedules/${ownerSchedule}`);
  await expect(page.getByRole("heading", { level: 1, name: "Schedule not found" })).toBeVisible();
  await expect(page.getByText("This schedule does not exist, or the link is wrong.")).toBeVisible();
  await expect(page.getByText(scheduleTitle)).toHaveCount(0);
  await page.goto("/approvals");
  await expect(page.getByText(waiting.title)).toHaveCount(0);
  await expect(page.getByTestId("approvals-count")).toHaveCount(0);

  const api = page.context().request;
  expect((await api.get(`/api/tasks/${secret.id}`)).status()).toBe(404);
  expect((await api.get(artifactUrl)).status()).toBe(404);
  expect(((await (await api.get("/api/tasks")).json()) as { tasks: unknown[] }).tasks).toEqual([]);
  expect(((await (await api.get("/api/approvals")).json()) as { approvals: unknown[] }).approvals).toEqual([]);
  const decide = await api.post(`/api/approvals/${approvalId}/decision`, { data: { decision: "approve" } });
  expect(decide.status()).toBe(404);
  // Choosing models is the owner's: no setup form, no instructions, and the API is not there.
  await page.goto("/models");
  await expect(page.getByText(/owner chooses which models it uses\. Ask them to set one up\./)).toBeVisible();
  await expect(page.getByLabel("API key")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Models" })).toHaveCount(0);
  expect((await api.get("/api/models")).status()).toBe(404);
  expect(((await (await request.get(`/api/tasks/${waiting.id}`)).json()) as { task: { status: string } }).task.status).toBe("waiting_approval");
  expect((await request.post(`/api/tasks/${waiting.id}/cancel`)).ok()).toBe(true);
  await page.context().close();
});

test("guessing a password: after 5 wrong tries even the right one is refused for a while", async ({ browser, baseURL }) => {
  const { page, email, password } = await inviteAndJoin(browser, baseURL, "Bea Target");
  await page.context().close();
  const api = await playwrightRequest.newContext({ baseURL, storageState: signedOut });
  const attempt = async (guess: string) => {
    const { csrfToken } = (await (await api.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const response = await api.post("/api/auth/callback/password", { form: { csrfToken, email, password: guess, json: "true" } });
    return new URL(((await response.json()) as { url: string }).url).searchParams.get("error");
  };
  for (let guess = 0; guess < 5; guess++) expect(await attempt(`wrong guess ${guess}`)).toBe("That email and password do not match an account.");
  expect(await attempt(password)).toBe("Too many attempts. Wait 15 minutes and try again, or pair this device from one that is signed in.");
  expect((await api.get("/api/tasks")).status()).toBe(401);
  await api.dispose();

  // The sign-in page says the same to a person.
  const person = await openPage(browser, { ...phone, storageState: signedOut }, baseURL);
  await person.goto("/sign-in");
  await person.getByLabel("Email").fill(email);
  await person.getByLabel("Password").fill(password);
  await person.getByRole("button", { name: "Sign in" }).tap();
  await expect(person.locator("#form-message")).toContainText("Too many attempts");
  // What they typed stays, to correct or retry later.
  await expect(person.getByLabel("Email")).toHaveValue(email);
  await person.context().close();
});
