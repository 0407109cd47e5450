// Phone takeover, the CAPTCHA case: a computer-use run meets the fixture portal's CAPTCHA and the
// agent asks for a person. The "Baton needs you" push (real web-push encryption, decrypted by the
// local push service) carries a single-use link; a phone (390x844, touch) signed in as the owner
// opens it, sees the agent's browser live, reloads and comes back, leaves through the task page's
// "Take over" and returns, solves the CAPTCHA by tapping the live picture, and hands back with a
// note; the run finishes with it. The link used twice, by another person, or after its 10 minutes
// (the link's row moved into the past, no waiting) is refused with a page that says why, and each
// refusal is on the task's timeline.
import { createHash } from "node:crypto";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { startPushReceiver, type FakeSubscription, type PushReceiver } from "../fakes/push-receiver";
import { CAPTCHA_LIGHTS } from "../fixtures/portal/portal-server";
import { createTaskViaApi, desktop, openPage, phone, uniqueTitle } from "./support/baton";
import { withE2eDatabase } from "./support/e2e-database";
import { computerUseMarker, PORTAL_URL } from "./support/fakes";
import { E2E_OWNER, signInViaApi } from "./support/auth";
import { inviteAndJoin, signedOut } from "./support/invite";

let receiver: PushReceiver;
test.beforeAll(async () => {
  receiver = await startPushReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});

type Point = { x: number; y: number };

/** Where the CAPTCHA's squares and Verify sit on the run's 1280x800 page, in its CSS pixels. */
async function captchaLayout(browser: Browser): Promise<Map<number | "verify", Point>> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${PORTAL_URL}/captcha`);
  const layout = new Map<number | "verify", Point>();
  const centre = async (selector: string) => {
    const box = (await page.locator(selector).boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  };
  for (const index of CAPTCHA_LIGHTS) layout.set(index, await centre(`.sq[data-index="${index}"]`));
  layout.set("verify", await centre("#verify"));
  await page.close();
  return layout;
}

/** A device of the owner taking takeover pushes: a subscription naming the local push service. */
async function subscribe(page: Page): Promise<FakeSubscription> {
  const subscription = receiver.createSubscription();
  const response = await page.context().request.put("/api/push", { data: { subscription, kinds: ["takeover"] } });
  expect(response.status(), await response.text()).toBe(200);
  return subscription;
}

async function linkPushedTo(subscription: FakeSubscription): Promise<{ url: string; kind: string; title: string }> {
  await expect.poll(() => receiver.messages.filter((message) => message.subscriptionId === subscription.id).length, { timeout: 90_000 }).toBe(1);
  return receiver.messages.find((message) => message.subscriptionId === subscription.id)!.payload as { url: string; kind: string; title: string };
}

const LIVE = "The agent's browser, live";

/** The live picture has painted a real frame; returns when it was painted. */
async function paintedFrame(page: Page): Promise<number> {
  const frame = page.getByRole("img", { name: LIVE });
  await expect(frame).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => frame.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(1280);
  return Number(await frame.getAttribute("data-painted-at"));
}

/** A tap on the live picture where the page's point shows. */
async function tapPage(page: Page, at: Point) {
  const box = (await page.getByRole("img", { name: LIVE }).boundingBox())!;
  await page.touchscreen.tap(box.x + (at.x / 1280) * box.width, box.y + (at.y / 800) * box.height);
}

async function statusOf(request: APIRequestContext, taskId: string) {
  return ((await (await request.get(`/api/tasks/${taskId}`)).json()) as { task: { status: string } }).task.status;
}

test("the CAPTCHA case: a push link opens the live view on a phone, reload and the task page come back to it, taps solve it, the hand-back finishes the run; misused links are refused and recorded", async ({ browser, baseURL, request }) => {
  test.setTimeout(240_000);
  const layout = await captchaLayout(browser);
  const allowed = await request.put("/api/policy", { data: { scope: "class", key: "computer-use", decision: "allow" } });
  expect(allowed.status()).toBe(200);
  const phonePage = await openPage(browser, phone, baseURL);
  // The owner's other device: its own sign-in, so its own session and push subscription.
  const otherDevice = await openPage(browser, { ...desktop, storageState: signedOut }, baseURL);
  await signInViaApi(otherDevice.context().request, E2E_OWNER);
  await phonePage.goto("/devices");
  const onPhone = await subscribe(phonePage);
  const onOther = await subscribe(otherDevice);
  try {
    const task = await createTaskViaApi(request, { title: uniqueTitle("Past the CAPTCHA"), prompt: `Get past the portal's check.\n${computerUseMarker("captcha", "openai")}` });
    // Each device gets its own single-use link.
    const pushed = await linkPushedTo(onPhone);
    const spare = await linkPushedTo(onOther);
    expect(pushed).toMatchObject({ kind: "takeover", url: expect.stringMatching(/^\/takeover\/[\w-]{40,}$/) });
    expect(spare.url).not.toBe(pushed.url);

    // Ten minutes later, without waiting them out: the spare link's expiry is moved into the past.
    const token = spare.url.split("/").at(-1)!;
    const moved = await withE2eDatabase((client) =>
      client.query("UPDATE takeover_links SET expires_at = now() - interval '1 second' WHERE token_hash = $1", [createHash("sha256").update(token).digest("hex")]),
    );
    expect(moved.rowCount).toBe(1);
    await otherDevice.goto(spare.url);
    await expect(otherDevice.getByRole("heading", { name: "This link cannot be used" })).toBeVisible();
    await expect(otherDevice.getByText(/has expired \(links last 10 minutes\)/)).toBeVisible();

    // The phone's link opens the live view: a frame of the agent's browser is painted.
    await phonePage.goto(pushed.url);
    await expect(phonePage).toHaveURL(/\/takeovers\/[0-9a-f-]{36}$/);
    const liveUrl = phonePage.url();
    await expect(phonePage.getByRole("heading", { name: "You have the browser" })).toBeVisible();
    const first = await paintedFrame(phonePage);

    // A reload on the phone comes back to it; the link itself is spent.
    await phonePage.reload();
    await expect(phonePage.getByRole("heading", { name: "You have the browser" })).toBeVisible();
    await paintedFrame(phonePage);
    // Away to the task page and back with "Take over".
    await phonePage.goto(`/tasks/${task.id}`);
    await phonePage.getByRole("link", { name: "Take over" }).tap();
    await expect(phonePage).toHaveURL(liveUrl);
    await paintedFrame(phonePage);

    // The same link again, and the live view on a device that did not open it: refused.
    await otherDevice.goto(pushed.url);
    await expect(otherDevice.getByText(/already used/)).toBeVisible();
    await otherDevice.goto(new URL(liveUrl).pathname);
    await expect(otherDevice.getByText(/open on another device/)).toBeVisible();
    const stranger = await inviteAndJoin(browser, baseURL, "Mallory Stranger");
    await stranger.page.goto(pushed.url);
    await expect(stranger.page.getByText(/belongs to someone else/)).toBeVisible();
    await stranger.page.goto(new URL(liveUrl).pathname);
    await expect(stranger.page.getByRole("img", { name: LIVE })).toHaveCount(0);
    await stranger.page.context().close();

    // Solve it by tapping the picture: each tap repaints the page, so the frame updates.
    const solvesBefore = ((await (await request.get(`${PORTAL_URL}/__captcha`)).json()) as { solves: number }).solves;
    for (const index of CAPTCHA_LIGHTS) await tapPage(phonePage, layout.get(index)!);
    await expect.poll(async () => Number(await phonePage.getByRole("img", { name: LIVE }).getAttribute("data-painted-at"))).toBeGreaterThan(first);
    await tapPage(phonePage, layout.get("verify")!);
    await expect.poll(async () => ((await (await request.get(`${PORTAL_URL}/__captcha`)).json()) as { solves: number }).solves, { timeout: 15_000 }).toBe(solvesBefore + 1);

    await phonePage.getByLabel("Note for the agent (optional)").fill("Ticked the three traffic lights");
    await phonePage.getByRole("button", { name: "Done, hand back" }).tap();
    await expect(phonePage.getByRole("heading", { name: "Handed back" })).toBeVisible();
    await expect.poll(() => statusOf(request, task.id), { timeout: 60_000 }).toBe("completed");

    await phonePage.goto(`/tasks/${task.id}`);
    const timeline = phonePage.getByTestId("timeline");
    await expect(timeline).toContainText("Baton needs you: The page shows a CAPTCHA only a person may solve.");
    await expect(timeline).toContainText("You took over the browser");
    await expect(timeline).toContainText(/drove the browser for .* on .*\/captcha.* and handed it back: Ticked the three traffic lights/);
    await expect(timeline).toContainText("The person handed the browser back with a note: Ticked the three traffic lights");
    for (const refused of ["Refused a takeover link: expired", "Refused a takeover link: used", "Refused a takeover link: other user", "Refused the live view on a device that did not open the link"]) {
      await expect(timeline.getByText(refused)).toHaveCount(1);
    }
    // Handed back, the live view is over for the phone too.
    await phonePage.goto(new URL(liveUrl).pathname);
    await expect(phonePage.getByText(/no longer waiting for you/)).toBeVisible();
  } finally {
    await phonePage.context().request.delete("/api/push");
    await otherDevice.context().request.delete("/api/push");
    await request.put("/api/policy", { data: { scope: "class", key: "computer-use", decision: null } });
    await phonePage.context().close();
    await otherDevice.context().close();
  }
});
