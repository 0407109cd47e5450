"use client";

import { deleteScheduleAction, runScheduleNowAction, setScheduleStatusAction } from "@/app/schedules/actions";
import { ActionError, useActionRunner } from "@/components/action-runner";
import { secondaryButtonClass } from "@/components/form-field";

export function ScheduleActions({ scheduleId, status }: { scheduleId: string; status: "active" | "paused" }) {
  const { busy, error, run, runConfirmed } = useActionRunner();

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={busy} onClick={() => run(() => runScheduleNowAction(scheduleId))} className="inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">
          Run now
        </button>
        <button type="button" disabled={busy} onClick={() => run(() => setScheduleStatusAction(scheduleId, status === "active" ? "paused" : "active"))} className={secondaryButtonClass}>
          {status === "active" ? "Pause" : "Resume"}
        </button>
        <a href={`/schedules/${scheduleId}/edit`} className={secondaryButtonClass}>
          Edit
        </a>
        <button
          type="button"
          disabled={busy}
          onClick={() => runConfirmed("Delete this schedule? The tasks it already created stay.", () => deleteScheduleAction(scheduleId))}
          className={`${secondaryButtonClass} text-rose-700`}
        >
          Delete
        </button>
      </div>
      <ActionError message={error} />
    </div>
  );
}
