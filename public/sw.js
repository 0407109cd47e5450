// Baton's service worker: offline reading of the pages Baton last loaded, and Web Push notifications
// whose Approve/Deny buttons decide without opening the app. Plain JS served as-is from /sw.js;
// next.config.ts sends it uncached, so a new version is picked up on the next visit.

// Bump VERSION when what is cached changes: activation deletes every Baton cache of another version.
const VERSION = "v2";
const SHELL_CACHE = `baton-shell-${VERSION}`;
const PAGES_CACHE = `baton-pages-${VERSION}`;
const STATIC_CACHE = `baton-static-${VERSION}`;
const CURRENT_CACHES = [SHELL_CACHE, PAGES_CACHE, STATIC_CACHE];
const OFFLINE_URL = "/offline.html";
const ICON = "/icons/icon-192.png";
const BADGE = "/icons/badge-96.png";
const SHELL = [OFFLINE_URL, ICON, "/icons/icon-512.png", BADGE];
// Enough for the inbox and the recent tasks; without a cap every task ever opened stays on the device.
const MAX_PAGES = 50;
const MAX_STATIC = 300;

// The same rule as lib/push/payload.ts: one leading "/", never "//host" or "/\host" (another host).
const APP_PATH = /^\/(?![/\\])[^\s\\]*$/;
const KINDS = ["approval", "completed", "failed", "schedule"];
const UNREACHABLE = "Could not reach Baton — open the app to decide";

self.addEventListener("install", (event) => {
  // skipWaiting: the first visit is controlled at once rather than after the next one.
  event.waitUntil(precacheShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => event.waitUntil(activate()));

async function precacheShell() {
  const cache = await caches.open(SHELL_CACHE);
  // "reload" skips the HTTP cache, so the shell is this version's, not an older download.
  await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
}

async function activate() {
  await deleteCaches((name) => !CURRENT_CACHES.includes(name));
  await self.clients.claim(); // pages already open are served offline too, without a reload
}

async function deleteCaches(shouldDelete) {
  const names = (await caches.keys()).filter((name) => name.startsWith("baton-") && shouldDelete(name));
  await Promise.all(names.map((name) => caches.delete(name)));
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const { origin, pathname, searchParams } = new URL(request.url);
  if (request.method !== "GET" || origin !== self.location.origin) return;
  // Live data is never served stale: the API, the SSE stream, and the client router's RSC
  // payloads (a fragment of a page, not a page a person could be shown offline).
  const live = pathname.startsWith("/api/") || pathname.startsWith("/_next/data") || searchParams.has("_rsc");
  if (live || request.headers.get("RSC") === "1" || (request.headers.get("accept") ?? "").includes("text/event-stream")) return;
  if (request.mode === "navigate") event.respondWith(networkFirstPage(event, pathname));
  // Content-hashed build output (and icons, versioned with this file): a cached copy never goes stale.
  else if (pathname.startsWith("/_next/static/") || pathname.startsWith("/icons/")) event.respondWith(cacheFirst(event));
});

/** Pages a person may want to read offline. /tasks/new is a form that cannot be sent offline. */
function isReadablePage(pathname) {
  return pathname === "/" || pathname === "/approvals" || (pathname.startsWith("/tasks/") && pathname !== "/tasks/new");
}

async function networkFirstPage(event, pathname) {
  const { request } = event;
  try {
    const response = await fetch(request);
    // Only a page itself: not a redirect's target (the sign-in page answering for "/"), not an error.
    const html = (response.headers.get("content-type") ?? "").includes("text/html");
    const keep = response.status === 200 && response.type === "basic" && !response.redirected && html && isReadablePage(pathname);
    // Stored in the background: awaiting the copy would hold the streamed page until it ends.
    if (keep) event.waitUntil(store(PAGES_CACHE, request, response.clone(), MAX_PAGES));
    return response;
  } catch {
    // Offline: this page as last seen, else the page saying it is not available offline (never
    // another page under this URL: the inbox shown as /tasks/42 would read as that task's page).
    // ignoreVary: Next varies pages on router headers that a plain navigation never sends.
    return (
      (await caches.match(request, { cacheName: PAGES_CACHE, ignoreVary: true })) ||
      (await caches.match(OFFLINE_URL, { cacheName: SHELL_CACHE })) ||
      Response.error()
    );
  }
}

async function cacheFirst(event) {
  const cached = await caches.match(event.request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") event.waitUntil(store(STATIC_CACHE, event.request, response.clone(), MAX_STATIC));
  return response;
}

/** Puts a response in a cache, then drops the oldest entries past max (the inbox is always kept). */
async function store(cacheName, request, response, max) {
  const cache = await caches.open(cacheName);
  await cache.put(request, response);
  const keys = (await cache.keys()).filter((key) => new URL(key.url).pathname !== "/");
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((key) => cache.delete(key)));
}

// Sign-out: one person's saved pages must not be left for the next person on this device. The
// shell stays: nothing personal is in it, and the offline page must work even if this runs offline.
self.addEventListener("message", (event) => {
  if (event.data?.type === "clear-caches") event.waitUntil(deleteCaches((name) => name !== SHELL_CACHE));
});

self.addEventListener("push", (event) => event.waitUntil(showPush(event)));

async function showPush(event) {
  const payload = parsePayload(event);
  // Chrome expects every push to show a notification, so a payload we cannot read still shows one.
  if (!payload) {
    const body = "Open Baton to see what changed.";
    return self.registration.showNotification("Baton: something needs your attention", { body, tag: "baton", icon: ICON, badge: BADGE, data: { url: "/" } });
  }
  const { kind, title, body, url, tag, actions, tokens } = payload;
  // requireInteraction: a decision waits for the person rather than timing out; renotify: an update
  // under the same tag alerts again rather than replacing the old one silently.
  const options = { body, tag, icon: ICON, badge: BADGE, data: { url, kind, tokens }, actions, renotify: true };
  return self.registration.showNotification(title, { ...options, requireInteraction: kind === "approval" });
}

/** The payload of lib/push/payload.ts (v1), or null when any field is not what it should be. */
function parsePayload(event) {
  let p = null;
  try {
    p = event.data?.json();
  } catch {
    // Not JSON: p stays null.
  }
  const text = (value) => typeof value === "string" && value.length > 0;
  if (!p || p.v !== 1 || !KINDS.includes(p.kind) || !text(p.title) || typeof p.body !== "string" || !text(p.tag)) return null;
  if (typeof p.url !== "string" || !APP_PATH.test(p.url)) return null; // never a link off Baton
  const tokens = text(p.tokens?.approve) && text(p.tokens?.deny) ? { approve: p.tokens.approve, deny: p.tokens.deny } : undefined;
  // A button without its token could only open the app, which a plain tap already does.
  const actions = (Array.isArray(p.actions) ? p.actions : [])
    .filter((a) => a && (a.action === "approve" || a.action === "deny") && text(a.title) && tokens)
    .map((a) => ({ action: a.action, title: a.title }));
  return { kind: p.kind, title: p.title, body: p.body, url: p.url, tag: p.tag, actions, tokens };
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(handleClick(event));
});

async function handleClick(event) {
  const { notification, action } = event;
  const data = notification.data ?? {};
  const token = action === "approve" || action === "deny" ? data.tokens?.[action] : undefined;
  if (token) return decide(notification, action, token);
  return openApp(typeof data.url === "string" && APP_PATH.test(data.url) ? data.url : "/");
}

/** Approve/Deny from the notification: the decision is sent with its single-use token, no window. */
async function decide(notification, action, token) {
  const { title, tag, data } = notification;
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }), credentials: "same-origin" };
  const response = await fetch("/api/approvals/token-decision", init).catch(() => null); // offline, or Baton down
  // The same tag replaces the question with its outcome; a tap opens the task.
  const options = { tag, icon: ICON, badge: BADGE, data: { url: data.url } };
  if (response?.ok) return self.registration.showNotification(action === "approve" ? "Approved" : "Denied", { ...options, body: title });
  const message = await response?.json().then((json) => json?.error?.message, () => null);
  return self.registration.showNotification(title, { ...options, body: typeof message === "string" && message ? message : UNREACHABLE });
}

/** A plain tap: bring an open Baton window to the notification's page, or open one. */
async function openApp(path) {
  const url = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const client = windows.find((candidate) => new URL(candidate.url).origin === self.location.origin);
  if (client) {
    // Focus first: the browser allows it only for a moment after the tap. Past that moment, the
    // window still goes to the page, in the background.
    await client.focus().catch(() => {});
    // A window this worker does not control cannot be navigated by it: open the page instead.
    if (await client.navigate(url).then(() => true, () => false)) return;
  }
  await self.clients.openWindow(url);
}
