"use client";

import { useEffect, useState, useSyncExternalStore } from "react";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("online", onChange);
  window.addEventListener("offline", onChange);
  return () => {
    window.removeEventListener("online", onChange);
    window.removeEventListener("offline", onChange);
  };
}

/** Whether Baton answers at all (any HTTP status counts: only a network failure is "unreachable"). */
async function batonAnswers(): Promise<boolean> {
  try {
    await fetch("/api/health", { cache: "no-store" });
    return true;
  } catch {
    return false;
  }
}

const RECHECK_MS = 5_000;

/**
 * Says so while Baton cannot be reached: the page on screen is then the copy the service worker
 * saved, which may be out of date, and nothing done on it reaches Baton. The browser's onLine flag
 * alone misses Wi-Fi without a way out, a Baton that is down, and a page the service worker served
 * from its copy (Chromium reports such a page as online), so the page also asks Baton once when it
 * loads, and again every few seconds until it answers.
 */
export function OfflineBanner() {
  // The server renders "online"; the browser's own answer takes over once hydrated.
  const online = useSyncExternalStore(subscribe, () => navigator.onLine, () => true);
  const [reachable, setReachable] = useState(true);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      const answers = await batonAnswers();
      if (stopped) return;
      setReachable(answers);
      if (!answers) timer = setTimeout(() => void check(), RECHECK_MS);
    };
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [online]);

  // The live region stays mounted so screen readers announce the change when it happens.
  return (
    <div role="status" className="sticky top-14 z-10">
      {(!online || !reachable) && (
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
