// Baton as an installed app: the manifest and its icons, the service worker (public/sw.js), reading
// the inbox offline, and push notifications. Pushes are delivered to the worker through Chromium's
// DevTools protocol, the way a push service's message would arrive, and the notifications it shows
// are read back from the registration.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { createTaskViaApi, phone, uniqueTitle } from "./support/baton";
import { openControlledPage } from "./support/offline";
import { deliverPush, shownNotifications } from "./support/push";

const OFFLINE_BANNER = "You're offline — showing what Baton last loaded.";

/** A task that waits an hour to run: it stays in the inbox, and the worker is left alone. */
function createWaitingTask(request: APIRequestContext, prefix: string) {
  const runAt = new Date(Date.now() + 60 * 60_000).toISOString();
  return createTaskViaApi(request, { title: uniqueTitle(prefix), prompt: "Say hello.", runAt });
}

/** PNG width and height, from the IHDR chunk that always follows the 8-byte signature. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

test("the manifest makes Baton installable, and its icons load", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const response = await request.get(href!);
  expect(response.status()).toBe(200);
  const manifest = (await response.json()) as Record<string, unknown> & { icons: { src: string; sizes: string; type: string; purpose: string }[] };
  expect(manifest).toMatchObject({
    name: "Baton",
    short_name: "Baton",
    start_url: "/",
    scope: "/",
    display: "standalone",
    theme_color: "#312e81",
    background_color: "#f8fafc",
  });
  expect(manifest.description).toEqual(expect.any(String));
  // The browser's own bar is the colour the manifest promises, and the dark page's in dark mode.
  await expect(page.locator('meta[name="theme-color"][media="(prefers-color-scheme: light)"]')).toHaveAttribute("content", "#312e81");
  await expect(page.locator('meta[name="theme-color"][media="(prefers-color-scheme: dark)"]')).toHaveAttribute("content", "#020617");
  expect(manifest.icons.map(({ sizes, purpose }) => `${sizes} ${purpose}`).sort()).toEqual(["192x192 any", "512x512 any", "512x512 maskable"]);

  // Next may stream metadata into the body while a slow page renders, so the link can be there twice.
  const apple = await page.locator('link[rel="apple-touch-icon"]').first().getAttribute("href");
  const icons = [...manifest.icons.map(({ src, sizes }) => ({ src, sizes })), { src: apple!, sizes: "180x180" }];
  for (const icon of icons) {
    const image = await request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()["content-type"], icon.src).toBe("image/png");
    expect(pngSize(await image.body()), icon.src).toBe(icon.sizes);
  }
});

test("the service worker registers for the whole app and controls the page", async ({ browser, baseURL, request }) => {
  // Served so that browsers always fetch the newest worker.
  const script = await request.get("/sw.js");
  expect(script.status()).toBe(200);
  expect(script.headers()["cache-control"]).toBe("no-cache, no-store, must-revalidate");
  expect(script.headers()["content-type"]).toBe("application/javascript; charset=utf-8");
  expect(script.headers()["service-worker-allowed"]).toBe("/");

  // The first visit: controlled without a reload (skipWaiting + clients.claim).
  const page = await openControlledPage(browser, baseURL);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)).toBe(new URL("/", baseURL).href);
  // The offline page and icons are saved at install.
  const shell = await page.evaluate(async () => {
    const offline = await caches.match("/offline.html");
    return { offline: offline ? await offline.text() : null, icon: Boolean(await caches.match("/icons/icon-192.png")) };
  });
  expect(shell.offline).toContain("Not available offline");
  expect(shell.icon).toBe(true);
  await page.context().close();
});

test("offline, the inbox shows what Baton last loaded, and says so", async ({ browser, baseURL, request }, testInfo) => {
  const saved = await createWaitingTask(request, "Read offline");
  const page = await openControlledPage(browser, baseURL, phone);
  const context = page.context();
  // The first load came before the worker took control; this one goes through it, which saves the
  // page along with its scripts and styles.
  await page.reload();
  const card = (title: string) => page.getByTestId("task-card").filter({ hasText: title });
  await expect(card(saved.title)).toBeVisible();
  await expect.poll(() => page.evaluate(async () => Boolean(await caches.match("/", { ignoreVary: true })))).toBe(true);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const onlineBackground = await background();
  expect(onlineBackground).not.toBe("rgba(0, 0, 0, 0)");
  // Made after the page was saved: offline, the saved copy cannot know about it.
  const later = await createWaitingTask(request, "Made while away");

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("offline-banner")).toHaveText(OFFLINE_BANNER);
  await expect(page.getByRole("heading", { level: 1, name: "Inbox" })).toBeVisible();
  await expect(card(saved.title)).toBeVisible();
  await expect(card(later.title)).toHaveCount(0);
  // Styled by the saved stylesheet, not bare HTML.
  expect(await background()).toBe(onlineBackground);
  await page.screenshot({ path: testInfo.outputPath("offline-inbox-phone.png") });
  await testInfo.attach("offline inbox (phone)", { path: testInfo.outputPath("offline-inbox-phone.png"), contentType: "image/png" });

  // Back online, the banner goes and the page is current again.
  await context.setOffline(false);
  await expect(page.getByTestId("offline-banner")).toHaveCount(0);
  await page.reload();
  await expect(card(later.title)).toBeVisible();

  // Sign-out clears the saved pages (the message clearOfflineCaches() sends); the shell stays, so
  // offline a page then falls back to the offline page rather than anyone's inbox.
  await page.evaluate(() => navigator.serviceWorker.controller!.postMessage({ type: "clear-caches" }));
  // (Build output may be cached again at once, by the router's prefetches: nothing personal in it.)
  const kept = () => page.evaluate(async () => (await caches.keys()).filter((name) => /^baton-(pages|shell)-/.test(name)));
  await expect.poll(kept).toEqual(["baton-shell-v2"]);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Not available offline" })).toBeVisible();
  await expect(card(saved.title)).toHaveCount(0);
  await context.close();
});

test("offline, a page never opened says it is not available, not the inbox under its URL; the inbox is a tap away", async ({ browser, baseURL, request }) => {
  const saved = await createWaitingTask(request, "Saved inbox");
  const neverOpened = await createWaitingTask(request, "Never opened");
  const page = await openControlledPage(browser, baseURL, phone);
  const context = page.context();
  await page.reload();
  await expect(page.getByTestId("task-card").filter({ hasText: saved.title })).toBeVisible();
  await expect.poll(() => page.evaluate(async () => Boolean(await caches.match("/", { ignoreVary: true })))).toBe(true);

  await context.setOffline(true);
  // A new tab of the same browser: the inbox's own tab may reload itself when its live stream drops.
  await page.close();
  const tab = await context.newPage();
  await tab.goto(`/tasks/${neverOpened.id}`);
  await expect(tab.getByRole("heading", { level: 1, name: "Not available offline" })).toBeVisible();
  await expect(tab).toHaveURL(new RegExp(`/tasks/${neverOpened.id}$`));
  await expect(tab.getByRole("heading", { level: 1, name: "Inbox" })).toHaveCount(0);

  await tab.getByRole("link", { name: "Go to the inbox" }).tap();
  await expect(tab).toHaveURL(new RegExp(`${new URL("/", baseURL).href}$`));
  await expect(tab.getByTestId("offline-banner")).toHaveText(OFFLINE_BANNER);
  await expect(tab.getByTestId("task-card").filter({ hasText: saved.title })).toBeVisible();
  await context.close();
});

test.describe("push notifications", () => {
  test("an approval push shows a notification with Approve and Deny", async ({ browser, baseURL }) => {
    const page = await openControlledPage(browser, baseURL, { permissions: ["notifications"] });
    const payload = {
      v: 1,
      kind: "approval",
      title: "Weekly status wants to post to a webhook",
      body: "POST https://hooks.example.com/team: approve or deny.",
      url: "/tasks/8d0c6a52-0000-4000-8000-000000000001",
      tag: "approval-8d0c6a52",
      actions: [
        { action: "approve", title: "Approve" },
        { action: "deny", title: "Deny" },
      ],
      tokens: { approve: "fake-approve-token", deny: "fake-deny-token" },
    };
    await deliverPush(page, JSON.stringify(payload));
    await expect.poll(() => shownNotifications(page)).toEqual([
      {
        title: payload.title,
        body: payload.body,
        tag: payload.tag,
        data: { url: payload.url, kind: "approval", tokens: payload.tokens },
        requireInteraction: true,
        actions: payload.actions,
      },
    ]);
    await page.context().close();
  });

  const generic = {
    title: "Baton: something needs your attention",
    body: "Open Baton to see what changed.",
    tag: "baton",
    data: { url: "/" },
    requireInteraction: false,
    actions: [],
  };
  const unreadable = {
    "not JSON": "not json",
    "another version": JSON.stringify({ v: 2, kind: "completed", title: "Done", body: "", url: "/", tag: "task-1" }),
    // Well-formed, but its link leads off Baton.
    "a link off Baton": JSON.stringify({ v: 1, kind: "completed", title: "Done", body: "", url: "//evil.example/", tag: "task-1" }),
  };
  for (const [name, data] of Object.entries(unreadable)) {
    test(`a push Baton cannot read (${name}) still shows a notification that opens the inbox`, async ({ browser, baseURL }) => {
      const page = await openControlledPage(browser, baseURL, { permissions: ["notifications"] });
      await deliverPush(page, data);
      await expect.poll(() => shownNotifications(page)).toEqual([generic]);
      await page.context().close();
    });
  }
});
