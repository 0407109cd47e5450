import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { TriggerForm } from "@/components/trigger-form";
import { modelOptionValue } from "@/lib/agent/providers/model-option";
import { modelChoices } from "@/lib/agent/providers/registry";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getMailbox } from "@/lib/mail/manage-mailbox";
import { getTrigger } from "@/lib/triggers/manage-triggers";

export const metadata: Metadata = { title: "Edit trigger" };
export const dynamic = "force-dynamic";

export default async function EditTriggerPage({ params }: PageProps<"/triggers/[id]/edit">) {
  const { id } = await params;
  const userId = await currentUserId();
  const trigger = await getTrigger(db(), { userId, triggerId: id, events: 0 }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold tracking-tight">Edit trigger</h1>
      <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <TriggerForm
          triggerId={trigger.id}
          kind={trigger.kind}
          models={await modelChoices(db())}
          mailbox={trigger.kind === "mail" ? ((await getMailbox(db(), { userId }))?.address ?? null) : null}
          initial={{
            name: trigger.name,
            prompt: trigger.prompt,
            model: modelOptionValue(trigger),
            rateLimitPerMinute: String(trigger.rateLimitPerMinute),
            askBeforeActing: trigger.askBeforeActing,
            planFirst: trigger.planFirst,
            dedupeHeader: trigger.dedupeHeader,
            dedupeField: trigger.dedupeField ?? "",
            feedUrl: trigger.feedUrl ?? "",
            pollIntervalSeconds: String(trigger.pollIntervalSeconds),
            calendarUrl: trigger.calendarUrl ?? "",
            leadMinutes: String(trigger.leadMinutes),
            mailFolder: trigger.mail?.folder ?? "INBOX",
            mailFrom: trigger.mail?.from ?? "",
            mailSubject: trigger.mail?.subject ?? "",
            mailUnreadOnly: trigger.mail?.unreadOnly ?? false,
          }}
        />
      </div>
    </div>
  );
}
