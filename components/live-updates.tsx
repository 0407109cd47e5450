"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

type Connection = "connecting" | "live" | "reconnecting";

const REFRESH_THROTTLE_MS = 250;

/**
 * Keeps the page current: listens to the user's task changes over SSE and re-renders the server
 * components when one concerns this page (any task on the inbox, this task on a task page).
 */
export function LiveUpdates({ taskId }: { taskId?: string }) {
  const router = useRouter();
  const [connection, setConnection] = useState<Connection>("connecting");
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const source = new EventSource("/api/events");
    const refresh = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        router.refresh();
      }, REFRESH_THROTTLE_MS);
    };
    const onChange = (event: MessageEvent<string>) => {
      const change = JSON.parse(event.data) as { taskId?: string };
      if (!taskId || change.taskId === taskId) refresh();
    };
    source.addEventListener("ready", () => {
      // Anything may have changed since the server rendered this page (hydrating and connecting
      // take a moment, longer on a phone) or while the stream was down: those changes sent no event
      // to this page, so catch up once per connection.
      refresh();
      setConnection("live");
    });
    source.addEventListener("task", onChange);
    source.addEventListener("event", onChange);
    source.addEventListener("resync", refresh);
    source.onerror = () => setConnection("reconnecting");
    return () => {
      source.close();
      if (pending.current) clearTimeout(pending.current);
    };
  }, [router, taskId]);

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
