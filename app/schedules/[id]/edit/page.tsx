import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ScheduleForm } from "@/components/schedule-form";
import { modelOptionValue } from "@/lib/agent/providers/model-option";
import { modelChoices } from "@/lib/agent/providers/registry";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getSchedule } from "@/lib/schedules/manage-schedules";

export const metadata: Metadata = { title: "Edit schedule" };
export const dynamic = "force-dynamic";

export default async function EditSchedulePage({ params }: PageProps<"/schedules/[id]/edit">) {
  const { id } = await params;
  const schedule = await getSchedule(db(), { userId: await currentUserId(), scheduleId: id, runs: 0 }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold tracking-tight">Edit schedule</h1>
      <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <ScheduleForm
          scheduleId={schedule.id}
          models={await modelChoices(db())}
          initial={{
            title: schedule.title,
            prompt: schedule.prompt,
            cron: schedule.cron,
            timezone: schedule.timezone,
            missedRunPolicy: schedule.missedRunPolicy,
            planFirst: schedule.planFirst,
            model: modelOptionValue(schedule),
          }}
        />
      </div>
    </div>
  );
}
