"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore, useTransition } from "react";
import { currentConnection, serverConnection, subscribeConnection, subscribeLive } from "@/lib/live/live-stream";

/**
 * Keeps the page current. What the change event carries (a task's status and title) is on screen
 * as soon as it arrives, through the patch store; the rest of the page (timeline, result, actions)
 * comes from re-rendering the server components, when a change concerns this page (any task on
 * the inbox, this task on a task page).
 */
export function LiveUpdates({ taskId, relatedTaskIds = [] }: { taskId?: string; relatedTaskIds?: string[] }) {
  const connection = useSyncExternalStore(subscribeConnection, currentConnection, serverConnection);
  const refresh = useCoalescedRefresh();
  // A stable dependency: the ids as one string, so a re-render with the same list keeps the subscription.
  const relatedKey = relatedTaskIds.join(",");
  const related = useMemo(() => (relatedKey ? relatedKey.split(",") : []), [relatedKey]);

  useEffect(
    () =>
      subscribeLive((message) => {
        if (message.kind === "ready" || message.kind === "resync") return refresh();
        // Lists (inbox, approvals, a schedule's runs) show what a task's row and the transaction
        // that changed it hold; only a task's own page shows its timeline events.
        // A task page also shows its sub-tasks (relatedTaskIds): their changes concern it too.
        if (message.kind === "task" && (!taskId || message.taskId === taskId || related.includes(message.taskId))) refresh();
        if (message.kind === "event" && message.taskId === taskId) refresh();
      }),
    [refresh, taskId, related],
  );

  return (
    <span data-testid="live-indicator" data-state={connection} className="inline-flex items-center gap-1.5 text-xs text-slate-500" aria-live="polite">
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${connection === "live" ? "bg-emerald-500" : connection === "reconnecting" ? "bg-amber-500" : "bg-slate-300"}`}
      />
      {connection === "live" ? "Live" : connection === "reconnecting" ? "Reconnecting…" : "Connecting…"}
    </span>
  );
}

/**
 * router.refresh() at once for the first change, then at most one more, once the one in flight
 * has landed: a burst of events (a status change brings several) costs two renders, not a queue
 * of them, each older than the last change by the time it lands.
 */
function useCoalescedRefresh(): () => void {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const inFlight = useRef(false);
  const again = useRef(false);

  const refresh = useCallback(() => {
    // Offline, a refresh cannot land, and Next falls back to reloading the whole page from the
    // service worker's copy: wait to be back online instead (the listener below catches up).
    if (!navigator.onLine) return;
    if (inFlight.current) {
      again.current = true;
      return;
    }
    inFlight.current = true;
    startTransition(() => router.refresh());
  }, [router]);

  useEffect(() => {
    window.addEventListener("online", refresh);
    return () => window.removeEventListener("online", refresh);
  }, [refresh]);

  useEffect(() => {
    if (pending) return;
    inFlight.current = false;
    if (!again.current) return;
    again.current = false;
    refresh();
  }, [pending, refresh]);

  return refresh;
}
