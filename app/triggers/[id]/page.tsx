import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveUpdates } from "@/components/live-updates";
import { LocalTime } from "@/components/local-time";
import { CopyButton } from "@/components/secret-once";
import { TriggerActions } from "@/components/trigger-actions";
import { TriggerCounts } from "@/components/trigger-counts";
import { TriggerEventList } from "@/components/trigger-event-list";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { publicOrigin } from "@/lib/http/public-origin";
import { getTrigger } from "@/lib/triggers/manage-triggers";
import { curlExample } from "@/lib/triggers/webhook-example";

export const metadata: Metadata = { title: "Trigger" };
export const dynamic = "force-dynamic";

const sectionClass = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm";
const headingClass = "text-sm font-semibold tracking-wide text-slate-500 uppercase";

export default async function TriggerPage({ params }: PageProps<"/triggers/[id]">) {
  const { id } = await params;
  const trigger = await getTrigger(db(), { userId: await currentUserId(), triggerId: id }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const url = trigger.webhookPath ? `${publicOrigin(await headers())}${trigger.webhookPath}` : null;
  return (
    <div className="space-y-5">
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <Link href="/triggers" className="-ml-2 inline-flex min-h-11 items-center rounded-lg px-2 text-sm font-medium text-indigo-700 hover:underline">
            ← Triggers
          </Link>
          <h1 dir="auto" className="mt-1 text-2xl font-semibold tracking-tight break-words">
            {trigger.name}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {{ webhook: "Webhook", feed: "Feed", calendar: "Meeting prep", mail: "New mail" }[trigger.kind]} · at most {trigger.rateLimitPerMinute} tasks a minute
            {trigger.askBeforeActing && <> · asks before acting elsewhere</>}
            {trigger.planFirst && <> · shows a plan first</>}
            {trigger.paused && <> · paused</>}
          </p>
        </div>
        <LiveUpdates />
      </div>
      <TriggerActions triggerId={trigger.id} paused={trigger.paused} webhook={trigger.kind === "webhook"} />
      <TriggerCounts counts={trigger.counts} />
      {trigger.lastRejectedReason && trigger.lastRejectedAt && (
        <p data-testid="last-refusal" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-900">
          Last refused <LocalTime iso={trigger.lastRejectedAt} />: {trigger.lastRejectedReason}
        </p>
      )}
      {url && (
        <section className={`${sectionClass} space-y-3`} aria-labelledby="send-heading">
          <h2 id="send-heading" className={headingClass}>
            Send events
          </h2>
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="webhook-url" className="min-w-0 flex-1 rounded bg-slate-100 px-2 py-1.5 font-mono text-xs break-all text-slate-900">
              {url}
            </code>
            <CopyButton text={url} />
          </div>
          <p className="text-sm text-slate-600">
            POST JSON (at most 64 KiB) with <code className="rounded bg-slate-100 px-1">X-Baton-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of &quot;t.body&quot;&gt;</code>, signed
            with the secret (hint <code className="rounded bg-slate-100 px-1">{trigger.secretHint ?? "none"}</code>) within 5 minutes of sending. The same{" "}
            {trigger.dedupeField ? <>JSON field <code className="rounded bg-slate-100 px-1">{trigger.dedupeField}</code> (else header </> : <>header (</>}
            <code className="rounded bg-slate-100 px-1">{trigger.dedupeHeader}</code>, else the body) means the same event: it starts one task.
          </p>
          <details>
            <summary className="flex min-h-11 cursor-pointer items-center text-sm font-medium text-slate-700">Example with curl</summary>
            <div className="flex items-start gap-2">
              <pre className="min-w-0 flex-1 overflow-x-auto rounded-lg bg-slate-100 p-3 font-mono text-xs text-slate-900">{curlExample({ url })}</pre>
              <CopyButton text={curlExample({ url })} />
            </div>
          </details>
        </section>
      )}
      {trigger.kind !== "webhook" && (
        <section className={sectionClass} aria-labelledby="feed-heading">
          <h2 id="feed-heading" className={headingClass}>
            {{ feed: "Feed", calendar: "Calendar", mail: "Mailbox" }[trigger.kind]}
          </h2>
          <p dir="auto" className="mt-2 text-sm break-all text-slate-800">
            {trigger.mail ? `Folder ${trigger.mail.folder} · ${trigger.mail.description}` : trigger.kind === "feed" ? trigger.feedUrl : trigger.calendarUrl}
          </p>
          <p className="mt-1 text-sm text-slate-600">
            Checked every {Math.round(trigger.pollIntervalSeconds / 60)} min
            {trigger.lastPolledAt ? (
              <>
                , last <LocalTime iso={trigger.lastPolledAt} />
              </>
            ) : (
              ", not yet"
            )}
            {trigger.counts.notModified > 0 && <> · unchanged {trigger.counts.notModified} times</>}.{" "}
            {trigger.kind === "feed"
              ? "Items there at the first check start nothing."
              : trigger.kind === "mail"
                ? "Mail there at the first check starts nothing; each new matching mail starts one task. Nothing is marked as read."
                : `Each meeting starting within ${trigger.leadMinutes} minutes starts one task.`}
          </p>
          {trigger.lastPollError && <p className="mt-2 text-sm text-rose-700">{trigger.lastPollError}</p>}
        </section>
      )}
      <section aria-labelledby="events-heading" className="space-y-2">
        <h2 id="events-heading" className={headingClass}>
          Events
        </h2>
        {trigger.events.length === 0 ? <p className="text-sm text-slate-600">No events yet.</p> : <TriggerEventList events={trigger.events} />}
      </section>
      <details className="rounded-xl border border-slate-200 bg-white shadow-sm">
        <summary className="flex min-h-11 cursor-pointer items-center px-4 text-sm font-medium text-slate-700">Instructions</summary>
        <p dir="auto" className="px-4 pb-4 text-sm whitespace-pre-wrap break-words text-slate-800">
          {trigger.prompt}
        </p>
      </details>
    </div>
  );
}
