import type { Metadata } from "next";
import Link from "next/link";
import { ScheduleForm } from "@/components/schedule-form";
import { modelChoices } from "@/lib/agent/providers/registry";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/auth/current-user";
import { demoSources } from "@/lib/demo/demo-origin";
import { findTemplate, SCHEDULE_TEMPLATES, templateDefaults } from "@/lib/schedules/templates";

export const metadata: Metadata = { title: "New schedule" };
export const dynamic = "force-dynamic";

export default async function NewSchedulePage({ searchParams }: PageProps<"/schedules/new">) {
  await requireUser();
  const { template: templateId } = await searchParams;
  const template = typeof templateId === "string" ? findTemplate(templateId) : undefined;
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New schedule</h1>
        <p className="mt-1 text-sm text-slate-600">Each run is a task of its own, with its own results, linked from the schedule.</p>
      </div>
      <nav aria-label="Start from" className="grid gap-2 sm:grid-cols-3">
        {[{ id: "", name: "Blank", description: "Your own instructions." }, ...SCHEDULE_TEMPLATES].map((option) => {
          const active = (template?.id ?? "") === option.id;
          return (
            <Link
              key={option.id || "blank"}
              href={option.id ? `/schedules/new?template=${option.id}` : "/schedules/new"}
              aria-current={active ? "page" : undefined}
              className={`rounded-xl border p-3 text-sm ${active ? "border-indigo-500 bg-indigo-50 ring-1 ring-indigo-500" : "border-slate-200 bg-white hover:border-indigo-300"}`}
            >
              <span className="block font-medium text-slate-900">{option.name}</span>
              <span className="mt-0.5 block text-slate-600">{option.description}</span>
            </Link>
          );
        })}
      </nav>
      <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <ScheduleForm
          key={template?.id ?? "blank"}
          template={template}
          templateDefaults={template ? templateDefaults(template, demoSources()) : undefined}
          models={await modelChoices(db())}
        />
      </div>
    </div>
  );
}
