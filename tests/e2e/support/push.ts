// Driving the service worker's push side in real Chromium: a push message is delivered through the
// DevTools protocol (as a push service's would arrive) and the notifications it shows are read
// back from the registration.
import type { Page } from "@playwright/test";

export interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  data: unknown;
  requireInteraction: boolean;
  actions: Array<{ action: string; title: string }>;
}

/** Delivers a push message to the page's service worker. */
export async function deliverPush(page: Page, data: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  const registrationId = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const registration = registrations.find((candidate) => candidate.scopeURL === `${origin}/` && !candidate.isDeleted);
      if (registration) resolve(registration.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: await registrationId, data });
  await cdp.detach();
}

export function shownNotifications(page: Page): Promise<ShownNotification[]> {
  return page.evaluate(async () => {
    const shown = await (await navigator.serviceWorker.ready).getNotifications();
    return shown.map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
      data: n.data as unknown,
      requireInteraction: n.requireInteraction,
      // Not yet in TypeScript's DOM types; Chromium has it.
      actions: (n as Notification & { actions: { action: string; title: string }[] }).actions.map(({ action, title }) => ({ action, title })),
    }));
  });
}

/**
 * Presses a button on the shown notification. Headless Chromium has no notification UI to click,
 * so the worker gets the same NotificationEvent the browser would dispatch; its handler runs as is.
 */
export async function pressNotificationAction(page: Page, tag: string, action: string): Promise<void> {
  const worker = page.context().serviceWorkers().find((candidate) => candidate.url().endsWith("/sw.js"));
  if (!worker) throw new Error("No service worker is running for this page.");
  await worker.evaluate(
    async ({ tag, action }) => {
      // Worker-scope types are not in the DOM library this file compiles against.
      const scope = self as unknown as {
        registration: ServiceWorkerRegistration;
        dispatchEvent(event: Event): boolean;
        NotificationEvent: new (type: string, init: { notification: Notification; action: string }) => Event;
      };
      const [notification] = await scope.registration.getNotifications({ tag });
      if (!notification) throw new Error(`No notification with tag ${tag}`);
      // A synthetic event's waitUntil throws; the handler's work has started by then.
      try {
        scope.dispatchEvent(new scope.NotificationEvent("notificationclick", { notification, action }));
      } catch {}
    },
    { tag, action },
  );
}
