// Finds messages in one folder by sender, subject, date and unread state; newest first. Reads
// envelopes only, read-only, so nothing is marked as seen.
import type { ImapFlowOptions, SearchObject } from "imapflow";
import { withFolder, withImap } from "./imap-session";

export interface MailSearch {
  folder: string;
  from?: string;
  subject?: string;
  /** Messages received on or after this day. */
  since?: Date;
  unread?: boolean;
  limit: number;
}

export interface MailSummary {
  uid: number;
  date: string | null;
  from: string;
  to: string;
  subject: string;
  unread: boolean;
  sizeBytes: number;
  messageId: string | null;
}

/** "Name <address>, …" from an envelope's address list. */
export const addressText = (list?: Array<{ name?: string; address?: string }>) =>
  (list ?? []).map((entry) => (entry.name ? `${entry.name} <${entry.address ?? ""}>` : (entry.address ?? ""))).join(", ");

export async function searchMail(imap: ImapFlowOptions, search: MailSearch): Promise<{ total: number; messages: MailSummary[] }> {
  return withImap(imap, (client) =>
    withFolder(client, search.folder, true, async () => {
      const query: SearchObject = {};
      if (search.from) query.from = search.from;
      if (search.subject) query.subject = search.subject;
      if (search.since) query.since = search.since;
      if (search.unread) query.seen = false;
      const uids = (await client.search(Object.keys(query).length ? query : { all: true }, { uid: true })) || [];
      const newest = [...uids].sort((a, b) => b - a).slice(0, search.limit);
      if (!newest.length) return { total: 0, messages: [] };
      const messages: MailSummary[] = [];
      for await (const message of client.fetch(newest.join(","), { uid: true, envelope: true, flags: true, size: true }, { uid: true })) {
        messages.push({
          uid: message.uid,
          date: message.envelope?.date ? new Date(message.envelope.date).toISOString() : null,
          from: addressText(message.envelope?.from),
          to: addressText(message.envelope?.to),
          subject: message.envelope?.subject ?? "",
          unread: !message.flags?.has("\\Seen"),
          sizeBytes: message.size ?? 0,
          messageId: message.envelope?.messageId ?? null,
        });
      }
      messages.sort((a, b) => b.uid - a.uid);
      return { total: uids.length, messages };
    }),
  );
}
