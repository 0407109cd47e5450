// A mail trigger's poll of one IMAP folder: what arrived since the last poll, by UID. UIDs only
// grow within one UIDVALIDITY, so "above the last UID looked at" is exactly the new mail; a new
// UIDVALIDITY (the folder was re-created or renumbered) makes the old numbers meaningless, and the
// poll then baselines again instead of taking the whole folder for new. The folder is opened
// read-only (EXAMINE) and bodies are fetched with BODY.PEEK, so polling marks nothing as read.
import type { ImapFlowOptions } from "imapflow";
import { MailServerError, withFolder, withImap } from "@/lib/mail/imap-session";
import { parseMailSource } from "@/lib/mail/read-mail";
import { addressText } from "@/lib/mail/search-mail";
import { matchesMailFilter, type MailFilter } from "./mail-filter";

/** New mail looked at per poll, oldest first; the rest waits for the next poll. */
export const MAIL_PER_POLL = 50;
/** What of a matching mail is read for its excerpt: enough for the text of any ordinary mail. */
const SOURCE_BYTES = 512 * 1024;
/** The plain-text excerpt the task gets; read_mail reads the whole message. */
export const EXCERPT_CHARS = 4000;

export interface MailCursor {
  uidValidity: bigint | null;
  lastUid: bigint | null;
}

export interface NewMail {
  uid: number;
  from: string;
  subject: string;
  date: string | null;
  unread: boolean;
  excerpt: string;
}

export type MailPoll =
  /** First poll, or a new UIDVALIDITY: remember where the folder is; its mail starts nothing. */
  | { kind: "baseline"; uidValidity: bigint; lastUid: bigint; previousUidValidity: bigint | null }
  /** `examined`: every new UID looked at, oldest first; `matching`: those the filter takes. */
  | { kind: "new"; uidValidity: bigint; examined: number[]; matching: NewMail[] };

export async function readNewMail(imap: ImapFlowOptions, params: { folder: string; cursor: MailCursor; filter: MailFilter }): Promise<MailPoll> {
  return withImap(imap, (client) =>
    withFolder(client, params.folder, true, async () => {
      const mailbox = client.mailbox;
      if (!mailbox) throw new MailServerError(`The folder "${params.folder}" could not be opened.`);
      const { uidValidity } = mailbox;
      const { lastUid } = params.cursor;
      if (params.cursor.uidValidity !== uidValidity || lastUid === null) {
        const highest = mailbox.uidNext > 0 ? mailbox.uidNext - 1 : Math.max(0, ...((await client.search({ all: true }, { uid: true })) || []));
        return { kind: "baseline", uidValidity, lastUid: BigInt(highest), previousUidValidity: params.cursor.uidValidity };
      }
      // UIDNEXT says whether anything arrived without a SEARCH (it is only a prediction: search anyway when it moved).
      if (mailbox.uidNext > 0 && BigInt(mailbox.uidNext - 1) <= lastUid) return { kind: "new", uidValidity, examined: [], matching: [] };
      // "n:*" always includes the highest UID, even below n: keep only those above the cursor.
      const found = (await client.search({ uid: `${lastUid + 1n}:*` }, { uid: true })) || [];
      const examined = found.filter((uid) => BigInt(uid) > lastUid).sort((a, b) => a - b).slice(0, MAIL_PER_POLL);
      if (examined.length === 0) return { kind: "new", uidValidity, examined: [], matching: [] };

      const candidates: Omit<NewMail, "excerpt">[] = [];
      for await (const message of client.fetch(examined.join(","), { uid: true, envelope: true, flags: true }, { uid: true })) {
        const facts = {
          uid: message.uid,
          from: addressText(message.envelope?.from),
          subject: message.envelope?.subject ?? "",
          date: message.envelope?.date ? new Date(message.envelope.date).toISOString() : null,
          unread: !message.flags?.has("\\Seen"),
        };
        if (matchesMailFilter(params.filter, facts)) candidates.push(facts);
      }
      const matching: NewMail[] = [];
      for (const facts of candidates.sort((a, b) => a.uid - b.uid)) {
        const message = await client.fetchOne(String(facts.uid), { uid: true, source: { maxLength: SOURCE_BYTES } }, { uid: true });
        // Gone between the two fetches (deleted or moved): nothing to start.
        if (!message || !message.source) continue;
        const parsed = await parseMailSource(facts.uid, message.source);
        matching.push({ ...facts, excerpt: excerptOf(parsed.text) });
      }
      return { kind: "new", uidValidity, examined, matching };
    }),
  );
}

function excerptOf(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > EXCERPT_CHARS ? `${trimmed.slice(0, EXCERPT_CHARS)}\n[cut at ${EXCERPT_CHARS} characters; read_mail reads the whole message]` : trimmed;
}
