"use client";

import { useSyncExternalStore } from "react";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

/**
 * Says so while the device is offline: the page on screen is then the copy the service worker
 * saved, which may be out of date, and nothing done on it reaches Baton.
 */
export function OfflineBanner() {
  // The server renders "online"; the browser's own answer takes over once hydrated.
  const online = useSyncExternalStore(subscribe, () => navigator.onLine, () => true);
  // The live region stays mounted so screen readers announce the change when it happens.
  return (
    <div role="status" className="sticky top-14 z-10">
      {!online && (
        <p data-testid="offline-banner" className="border-b border-amber-200 bg-amber-50 text-amber-900">
          <span className="mx-auto flex max-w-3xl items-center gap-2 px-4 py-2 text-sm font-medium">
            <span aria-hidden className="h-2 w-2 shrink-0 rounded-full bg-amber-500" />
            You&apos;re offline — showing what Baton last loaded.
          </span>
        </p>
      )}
    </div>
  );
}
