// A mail trigger's poll, turned into events: one per new matching mail, keyed by (UIDVALIDITY,
// UID), which is unique per trigger on the row that claims it, so however many workers poll, or a
// worker that restarts with an older cursor, a mail starts one task. The cursor (UIDVALIDITY and
// the last UID looked at) is written in the same transaction as the events it covers.
import type { Trigger } from "@/lib/generated/prisma/client";
import { mailboxConnection } from "@/lib/mail/mailbox-connection";
import { eventPreview } from "./event-prompt";
import { readNewMail, type NewMail } from "./new-mail";
import type { Found, PollDeps } from "./poll-triggers";
import type { EventResult, IncomingEvent } from "./record-trigger-event";

export const mailEventKey = (uidValidity: bigint, uid: number) => `mail:${uidValidity}:${uid}`;

export async function mailEvents(deps: PollDeps, trigger: Trigger, folder: string, now: Date): Promise<Found> {
  const connection = await (deps.mailbox ?? ((userId: string) => mailboxConnection(deps.db, { userId })))(trigger.userId);
  if (!connection) throw new Error("no mailbox is connected (connect one under More → Mail).");
  const poll = await readNewMail(connection.imap, {
    folder,
    cursor: { uidValidity: trigger.mailUidValidity, lastUid: trigger.mailLastUid },
    filter: { from: trigger.mailFrom, subject: trigger.mailSubject, unreadOnly: trigger.mailUnreadOnly },
  });

  if (poll.kind === "baseline") {
    const { uidValidity, lastUid, previousUidValidity } = poll;
    return {
      events: [],
      remember: () => ({
        mailUidValidity: uidValidity,
        mailLastUid: lastUid,
        // A first poll is expected and silent; a changed UIDVALIDITY is worth a line on the page.
        ...(previousUidValidity !== null
          ? {
              events: {
                create: {
                  outcome: "rebaselined",
                  eventKey: `uidvalidity:${uidValidity}`,
                  preview: `The folder ${folder} was renumbered (UIDVALIDITY ${previousUidValidity} → ${uidValidity}): the mail in it now starts nothing; new mail does.`,
                  receivedAt: now,
                },
              },
            }
          : {}),
      }),
    };
  }

  const { uidValidity, examined, matching } = poll;
  const source = `a new mail in the folder ${folder} of ${connection.address}`;
  const events: (IncomingEvent & { uid: number })[] = matching.map((mail) => ({
    uid: mail.uid,
    key: mailEventKey(uidValidity, mail.uid),
    preview: eventPreview(`${mail.from} · ${mail.subject}`.replace(/[\u0000-\u001F\u007F-\u009F]/g, " ")),
    data: { source, content: mailContent(folder, mail) },
    polled: true,
  }));
  const highest = examined.at(-1);
  return {
    events,
    remember: (locked: Trigger, outcomes: EventResult[]) => {
      if (highest === undefined) return {};
      // A mail dropped by the rate limit is looked at again next poll: stop the cursor just before it.
      const dropped = outcomes.findIndex((outcome) => outcome.outcome === "rate_limited");
      const droppedUid = dropped >= 0 ? events[dropped]?.uid : undefined;
      if (droppedUid !== undefined) return { mailLastUid: BigInt(droppedUid - 1) };
      const current = locked.mailLastUid ?? 0n;
      return { mailLastUid: BigInt(highest) > current ? BigInt(highest) : current };
    },
  };
}

/** The mail as the agent reads it: data in the event block, never the person's instructions. */
function mailContent(folder: string, mail: NewMail): string {
  return JSON.stringify({ from: mail.from, subject: mail.subject, date: mail.date, folder, uid: mail.uid, unread: mail.unread, text: mail.excerpt }, null, 2);
}
