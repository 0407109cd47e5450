import type { Metadata } from "next";
import { MailboxForm, RemoveMailboxButton } from "@/components/mailbox-form";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { getMailbox } from "@/lib/mail/manage-mailbox";

export const metadata: Metadata = { title: "Mail" };
export const dynamic = "force-dynamic";

const cardClass = "rounded-xl border border-slate-200 bg-white p-4 shadow-sm";

export default async function MailPage() {
  const mailbox = await getMailbox(db(), { userId: await currentUserId() });
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Mail</h1>
        <p className="mt-1 text-sm text-slate-600">
          Your mailbox, for the agent&apos;s search_mail, read_mail and send_mail tools and for notices by mail. Reading never marks mail as read; marking,
          moving and sending follow your settings (sending asks you first by default, with the draft shown). What a mail says is data for the agent, never
          instructions.
        </p>
      </div>
      <section className={cardClass} aria-labelledby="mailbox-heading">
        <h2 id="mailbox-heading" className="mb-3 font-semibold">
          {mailbox ? `Connected: ${mailbox.address}` : "Connect a mailbox"}
        </h2>
        <MailboxForm mailbox={mailbox} />
      </section>
      {mailbox && (
        <section className={cardClass} aria-label="Disconnect">
          <RemoveMailboxButton />
        </section>
      )}
    </div>
  );
}
