"use client";

import { useEffect } from "react";

/** Registers public/sw.js (offline reading and push notifications). Renders nothing. */
export function ServiceWorkerRegistration() {
  useEffect(() => {
    if (!("serviceWorker" in navigator)) return; // older browsers, or plain http off localhost
    if (process.env.NODE_ENV !== "production") {
      // `next dev` serves chunks under stable, unhashed names, which the worker would keep serving
      // from its cache: no worker in development, and none left over from an earlier `npm start`.
      void navigator.serviceWorker.getRegistration("/").then((registration) => registration?.unregister());
      return;
    }
    // updateViaCache "none": the browser always asks for a new sw.js, never its HTTP cache.
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch((error: unknown) => {
      console.warn("Baton could not register its service worker; offline reading and notifications are off.", error);
    });
  }, []);
  return null;
}

/**
 * Deletes the pages Baton saved for offline reading, so the next person on this device does not
 * see them. Call it on sign-out, before leaving the page. The page deletes the caches itself (that
 * works even while no worker is active) and tells the worker to do the same. Both keep the shell
 * ("baton-shell-*": icons and the offline page, nothing personal).
 */
export async function clearOfflineCaches(): Promise<void> {
  // Never throws: a cache that cannot be opened must not stop the sign-out that follows.
  try {
    if (typeof caches !== "undefined") {
      const names = (await caches.keys()).filter((name) => name.startsWith("baton-") && !name.startsWith("baton-shell-"));
      await Promise.all(names.map((name) => caches.delete(name)));
    }
    if ("serviceWorker" in navigator) {
      const registration = await navigator.serviceWorker.getRegistration("/");
      registration?.active?.postMessage({ type: "clear-caches" });
    }
  } catch (error) {
    console.warn("Baton could not clear its offline copies.", error);
  }
}
