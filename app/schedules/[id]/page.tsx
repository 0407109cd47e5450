import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveUpdates } from "@/components/live-updates";
import { LocalTime } from "@/components/local-time";
import { ScheduleActions } from "@/components/schedule-actions";
import { StatusChip } from "@/components/status-chip";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getSchedule } from "@/lib/schedules/manage-schedules";
import { findTemplate } from "@/lib/schedules/templates";

export const metadata: Metadata = { title: "Schedule" };
export const dynamic = "force-dynamic";

export default async function SchedulePage({ params }: PageProps<"/schedules/[id]">) {
  const { id } = await params;
  const userId = await currentUserId();
  const schedule = await getSchedule(db(), { userId, scheduleId: id }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const template = schedule.template ? findTemplate(schedule.template) : undefined;
  return (
    <div className="space-y-5">
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <Link href="/schedules" className="-ml-2 inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:underline">
            ← Schedules
          </Link>
          <h1 dir="auto" className="mt-1 text-2xl font-semibold tracking-tight break-words">
            {schedule.title}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            <code className="rounded bg-slate-100 px-1">{schedule.cron}</code> in {schedule.timezone}
            {template && <> · from the {template.name} template</>}
            {schedule.status === "paused" && <> · paused</>}
          </p>
        </div>
        <LiveUpdates />
      </div>
      <ScheduleActions scheduleId={schedule.id} status={schedule.status} />
      {schedule.missedRuns > 0 && (
        <p data-testid="missed-runs" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {schedule.missedRuns} {schedule.missedRuns === 1 ? "run was" : "runs were"} missed while Baton was down
          {schedule.lastMissedAt && (
            <>
              , the last at <LocalTime iso={schedule.lastMissedAt} timeZone={schedule.timezone} />
            </>
          )}
          . {schedule.missedRunPolicy === "run_latest" ? "The latest missed one ran once on start." : "Missed runs are skipped."}
        </p>
      )}
      <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="next-heading">
        <h2 id="next-heading" className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
          Next runs
        </h2>
        {schedule.nextRuns.length ? (
          <ol className="mt-2 space-y-0.5 text-sm">
            {schedule.nextRuns.map((run) => (
              <li key={run}>
                <LocalTime iso={run} timeZone={schedule.timezone} />
              </li>
            ))}
          </ol>
        ) : (
          <p className="mt-2 text-sm text-slate-600">None while paused.</p>
        )}
      </section>
      <section aria-labelledby="runs-heading" className="space-y-2">
        <h2 id="runs-heading" className="text-sm font-semibold tracking-wide text-slate-500 uppercase">
          Runs
        </h2>
        {schedule.runs.length === 0 ? (
          <p className="text-sm text-slate-600">No runs yet. Press Run now to try it.</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
            {schedule.runs.map((run) => (
              <li key={run.taskId}>
                <Link href={`/tasks/${run.taskId}`} data-testid="schedule-run" className="flex min-h-11 items-center justify-between gap-3 px-4 py-3 hover:bg-slate-50">
                  <span className="text-sm text-slate-800">
                    {run.scheduledFor ? <LocalTime iso={run.scheduledFor} timeZone={schedule.timezone} /> : <LocalTime iso={run.createdAt} />}
                    {run.scheduledFor === null && <span className="ml-2 text-slate-500">(run now)</span>}
                  </span>
                  <StatusChip status={run.status} />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <details className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <summary className="flex min-h-11 cursor-pointer items-center px-4 text-sm font-medium text-slate-700">Instructions</summary>
        <p dir="auto" className="px-4 pb-4 text-sm whitespace-pre-wrap break-words text-slate-800">
          {schedule.prompt}
        </p>
      </details>
    </div>
  );
}
