import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { StatusChip } from "@/components/status-chip";
import { TriggerCounts } from "@/components/trigger-counts";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { hostOf } from "@/lib/tools/feeds/fetch-text";
import { listTriggers, type TriggerView } from "@/lib/triggers/manage-triggers";

export const metadata: Metadata = { title: "Triggers" };
export const dynamic = "force-dynamic";

function describeSource(trigger: TriggerView): string {
  switch (trigger.kind) {
    case "webhook":
      return "Webhook";
    case "feed":
      return `Feed at ${hostOf(trigger.feedUrl ?? "")}`;
    case "calendar":
      return `Meetings in ${hostOf(trigger.calendarUrl ?? "")}, ${trigger.leadMinutes} min ahead`;
    case "mail":
      return `New mail in ${trigger.mail?.folder ?? "INBOX"}: ${trigger.mail?.description ?? "any mail"}`;
  }
}

export default async function TriggersPage() {
  const triggers = await listTriggers(db(), { userId: await currentUserId() });
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Triggers</h1>
        <Link href="/triggers/new" className="inline-flex min-h-11 items-center rounded-full bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500">
          New trigger
        </Link>
      </div>
      {triggers.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
          <p className="font-medium">No triggers yet</p>
          <p className="mt-1 text-sm text-slate-600">Work that starts when something happens: a webhook from your CI, a new post in a feed, a mail from a client.</p>
        </div>
      ) : (
        <ul className="space-y-3">
          {triggers.map((trigger) => (
            <li key={trigger.id} data-testid="trigger-card">
              <Link href={`/triggers/${trigger.id}`} className="block rounded-xl border border-slate-200 bg-white p-4 shadow-sm hover:border-indigo-300">
                <div className="flex items-start justify-between gap-3">
                  <p dir="auto" className="min-w-0 font-medium break-words text-slate-900">
                    {trigger.name}
                  </p>
                  {trigger.paused && <span className="shrink-0 rounded-full bg-slate-100 px-2.5 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-slate-300">Paused</span>}
                </div>
                <p dir="auto" className="mt-1 text-sm text-slate-600">{describeSource(trigger)}</p>
                <div className="mt-2">
                  <TriggerCounts counts={trigger.counts} />
                </div>
                {trigger.events.length > 0 && (
                  <ul className="mt-2 space-y-1 text-sm text-slate-600">
                    {trigger.events.map((event) => (
                      <li key={event.id} className="flex items-center gap-2">
                        <LocalTime iso={event.receivedAt} />
                        {event.task ? <StatusChip status={event.task.status} /> : <span className="text-xs">{event.outcome.replace("_", "-")}</span>}
                      </li>
                    ))}
                  </ul>
                )}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
