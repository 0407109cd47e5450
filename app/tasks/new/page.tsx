import type { Metadata } from "next";
import Link from "next/link";
import { ModelNotice } from "@/components/model-notice";
import { NewTaskForm } from "@/components/new-task-form";
import { TemplateTaskForm } from "@/components/template-task-form";
import { modelChoices } from "@/lib/agent/providers/registry";
import { PR_HANDOFF_FIELDS, PR_HANDOFF_TEMPLATE_ID } from "@/lib/code/pr-handoff-template";
import { db } from "@/lib/db";
import { demoRepositoryPath } from "@/lib/demo/demo-repository";
import { env } from "@/lib/env";
import { requireUser } from "@/lib/auth/current-user";
import { toolClassPolicyFor } from "@/lib/policy/risk-policy";
import { TASK_TEMPLATES } from "@/lib/tasks/create-template-task";

export const metadata: Metadata = { title: "New task" };
export const dynamic = "force-dynamic";

// Starts filled with the demo remote (Baton's fixture, one failing test) so the handoff runs end to
// end before it is pointed at a real repository. The issue is often pasted text: a text area.
function prHandoffFormFields() {
  const initial: Partial<Record<string, string>> = {
    repository: demoRepositoryPath(env().BATON_DATA_DIR),
    baseBranch: "main",
    issue: "An empty cart's total throws instead of being 0 (test/cart.test.js fails).",
    branchPrefix: "baton/",
  };
  return PR_HANDOFF_FIELDS.map((field) => ({
    ...field,
    hint: field.name === "repository" ? `${field.hint} Starts with Baton's demo repository: replace it with yours.` : field.hint,
    multiline: field.name === "issue",
    initialValue: initial[field.name],
  }));
}

export default async function NewTaskPage({ searchParams }: { searchParams: Promise<{ template?: string }> }) {
  const user = await requireUser();
  const { template: templateId } = await searchParams;
  const template = TASK_TEMPLATES.find((candidate) => candidate.id === templateId);
  const models = await modelChoices(db());
  if (template?.id === PR_HANDOFF_TEMPLATE_ID) {
    return (
      <div>
        <h1 className="mb-1 text-2xl font-semibold tracking-tight">{template.name}</h1>
        <p className="mb-5 text-sm text-slate-600">
          {template.description} Pushing and opening the pull request always wait for your approval. <Link href="/tasks/new" className="font-medium text-indigo-700 underline">Blank task instead</Link>
        </p>
        <ModelNotice />
        <TemplateTaskForm templateId={template.id} fields={prHandoffFormFields()} models={models} />
      </div>
    );
  }
  return (
    <div>
      <h1 className="mb-1 text-2xl font-semibold tracking-tight">New task</h1>
      <p className="mb-5 text-sm text-slate-600">Describe the outcome you want. Baton works on it in the background; you can close this page.</p>
      <ModelNotice />
      <nav aria-label="Start from a template" className="mb-6 space-y-2">
        <h2 className="text-sm font-medium text-slate-700">Start from a template</h2>
        {TASK_TEMPLATES.map((candidate) => (
          <Link key={candidate.id} href={`/tasks/new?template=${candidate.id}`} className="block min-h-11 rounded-lg border border-slate-200 bg-white px-3 py-2.5 shadow-sm hover:border-indigo-300">
            <span className="block font-medium text-slate-900">{candidate.name}</span>
            <span className="block text-sm text-slate-600">{candidate.description}</span>
          </Link>
        ))}
      </nav>
      <NewTaskForm models={models} computerUse={(await toolClassPolicyFor(db(), { userId: user.id, toolClass: "computer-use" })) !== "deny"} />
    </div>
  );
}
