import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { StatusChip } from "@/components/status-chip";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { listSchedules } from "@/lib/schedules/manage-schedules";

export const metadata: Metadata = { title: "Schedules" };
export const dynamic = "force-dynamic";

export default async function SchedulesPage() {
  const schedules = await listSchedules(db(), { userId: await currentUserId() });
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Schedules</h1>
        <Link href="/schedules/new" className="inline-flex min-h-11 items-center rounded-full bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
          New schedule
        </Link>
      </div>
      {schedules.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
          <p className="font-medium">No schedules yet</p>
          <p className="mt-1 text-sm text-slate-600">Work that starts by itself: a morning briefing every weekday, metrics every Monday.</p>
        </div>
      ) : (
        <ul className="space-y-3">
          {schedules.map((schedule) => (
            <li key={schedule.id} data-testid="schedule-card">
              <Link href={`/schedules/${schedule.id}`} className="block rounded-xl border border-slate-200 bg-white p-4 shadow-sm hover:border-indigo-300">
                <div className="flex items-start justify-between gap-3">
                  <p dir="auto" className="min-w-0 font-medium break-words text-slate-900">
                    {schedule.title}
                  </p>
                  {schedule.status === "paused" && <span className="shrink-0 rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-300">Paused</span>}
                </div>
                <p className="mt-1 text-sm text-slate-600">
                  {schedule.nextRuns[0] ? (
                    <>
                      Next <LocalTime iso={schedule.nextRuns[0]} timeZone={schedule.timezone} />
                    </>
                  ) : (
                    "Not running while paused"
                  )}
                </p>
                <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
                  {schedule.lastRun ? (
                    <>
                      Last run <StatusChip status={schedule.lastRun.status} />
                    </>
                  ) : (
                    "No runs yet"
                  )}
                  {schedule.missedRuns > 0 && (
                    <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300">
                      {schedule.missedRuns} missed
                    </span>
                  )}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
