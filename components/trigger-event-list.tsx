import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { StatusChip } from "@/components/status-chip";
import type { TriggerEventView } from "@/lib/triggers/manage-triggers";

const OUTCOMES: Record<string, string> = {
  created: "Started a task",
  rate_limited: "Rate-limited, not run",
  skipped: "Skipped (paused)",
  rebaselined: "Folder renumbered, started over",
};

/** A trigger's last events, newest first, each with the task it started. */
export function TriggerEventList({ events }: { events: TriggerEventView[] }) {
  return (
    <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
      {events.map((event) => {
        const body = (
          <>
            <span className="min-w-0 flex-1">
              <span className="block text-sm text-slate-800">
                <LocalTime iso={event.receivedAt} /> · {OUTCOMES[event.outcome] ?? event.outcome}
                {event.duplicates > 0 && <span className="text-slate-500"> · {event.duplicates} duplicate{event.duplicates === 1 ? "" : "s"}</span>}
              </span>
              {event.preview && (
                <span dir="auto" className="block truncate font-mono text-xs text-slate-500">
                  {event.preview}
                </span>
              )}
            </span>
            {event.task && <StatusChip status={event.task.status} />}
          </>
        );
        return (
          <li key={event.id} data-testid="trigger-event" data-outcome={event.outcome}>
            {event.task ? (
              <Link href={`/tasks/${event.task.id}`} className="flex min-h-11 items-center justify-between gap-3 px-4 py-3 hover:bg-slate-50">
                {body}
              </Link>
            ) : (
              <div className="flex min-h-11 items-center justify-between gap-3 px-4 py-3">{body}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
