import type { Metadata } from "next";
import Link from "next/link";
import { TriggerForm } from "@/components/trigger-form";
import { modelChoices } from "@/lib/agent/providers/registry";
import { requireUser } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { getMailbox } from "@/lib/mail/manage-mailbox";

export const metadata: Metadata = { title: "New trigger" };
export const dynamic = "force-dynamic";

const KINDS = [
  { id: "webhook", name: "Webhook", description: "A signed POST from another service starts a task." },
  { id: "feed", name: "Feed", description: "Each new item in an RSS or Atom feed starts a task." },
  { id: "calendar", name: "Meeting prep", description: "Each meeting in an .ics calendar starts a task shortly before it begins." },
  { id: "mail", name: "New mail", description: "Each new mail matching a filter (sender, subject, unread) starts a task." },
] as const;

export default async function NewTriggerPage({ searchParams }: PageProps<"/triggers/new">) {
  const user = await requireUser();
  const { kind: asked } = await searchParams;
  const kind = KINDS.find((option) => option.id === asked)?.id ?? "webhook";
  const mailbox = kind === "mail" ? await getMailbox(db(), { userId: user.id }) : null;
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">New trigger</h1>
        <p className="mt-1 text-sm text-slate-600">Each event becomes a task of its own, linked from the trigger. One event never starts two.</p>
      </div>
      <nav aria-label="Kind" className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
        {KINDS.map((option) => (
          <Link
            key={option.id}
            href={`/triggers/new?kind=${option.id}`}
            aria-current={kind === option.id ? "page" : undefined}
            className={`rounded-xl border p-3 text-sm ${kind === option.id ? "border-indigo-500 bg-indigo-50 ring-1 ring-indigo-500" : "border-slate-200 bg-white hover:border-indigo-300"}`}
          >
            <span className="block font-medium text-slate-900">{option.name}</span>
            <span className="mt-0.5 block text-slate-600">{option.description}</span>
          </Link>
        ))}
      </nav>
      <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <TriggerForm key={kind} kind={kind} models={await modelChoices(db())} mailbox={mailbox?.address ?? null} />
      </div>
    </div>
  );
}
