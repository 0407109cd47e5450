import type { Metadata } from "next";
import { ModelNotice } from "@/components/model-notice";
import { NewTaskForm } from "@/components/new-task-form";
import { modelChoices } from "@/lib/agent/providers/registry";
import { db } from "@/lib/db";
import { requireUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "New task" };
export const dynamic = "force-dynamic";

export default async function NewTaskPage() {
  await requireUser();
  return (
    <div>
      <h1 className="mb-1 text-2xl font-semibold tracking-tight">New task</h1>
      <p className="mb-5 text-sm text-slate-600">Describe the outcome you want. Baton works on it in the background; you can close this page.</p>
      <ModelNotice />
      <NewTaskForm models={await modelChoices(db())} />
    </div>
  );
}
