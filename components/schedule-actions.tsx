"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { deleteScheduleAction, runScheduleNowAction, setScheduleStatusAction } from "@/app/schedules/actions";
import type { ActionResult } from "@/lib/http/action-result";

const buttonClass = "inline-flex min-h-11 items-center justify-center rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60";

export function ScheduleActions({ scheduleId, status }: { scheduleId: string; status: "active" | "paused" }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<ActionResult>) {
    setBusy(true);
    const result = await action();
    setBusy(false);
    setError(result.ok ? undefined : result.message);
    if (result.ok) router.refresh();
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={busy} onClick={() => run(() => runScheduleNowAction(scheduleId))} className="inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60">
          Run now
        </button>
        <button type="button" disabled={busy} onClick={() => run(() => setScheduleStatusAction(scheduleId, status === "active" ? "paused" : "active"))} className={buttonClass}>
          {status === "active" ? "Pause" : "Resume"}
        </button>
        <a href={`/schedules/${scheduleId}/edit`} className={buttonClass}>
          Edit
        </a>
        <button
          type="button"
          disabled={busy}
          onClick={() => window.confirm("Delete this schedule? The tasks it already created stay.") && run(() => deleteScheduleAction(scheduleId))}
          className={`${buttonClass} text-rose-700`}
        >
          Delete
        </button>
      </div>
      {error && <p role="alert" className="text-sm text-rose-700">{error}</p>}
    </div>
  );
}
