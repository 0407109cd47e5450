// Reads one message: its headers, its plain-text body (the HTML part turned into text when there is
// no plain one) and its attachments. Fetched with BODY.PEEK, so reading does not mark it as seen.
import type { ImapFlowOptions } from "imapflow";
import type { AddressObject } from "mailparser";
import { htmlToText } from "@/lib/tools/feeds/html-to-text";
import { MailServerError, withFolder, withImap } from "./imap-session";

/** A message larger than this is refused rather than loaded whole into the worker. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export interface MailAttachment {
  filename: string;
  contentType: string;
  sizeBytes: number;
  content: Buffer;
}

export interface MailMessage {
  uid: number;
  messageId: string | null;
  date: string | null;
  from: string;
  to: string;
  cc: string;
  replyTo: string;
  subject: string;
  text: string;
  attachments: MailAttachment[];
}

/** "Name <address>, …": the same shape search_mail gives, without mailparser's quoting. */
function addresses(value: AddressObject | AddressObject[] | undefined): string {
  const lists = Array.isArray(value) ? value : value ? [value] : [];
  return lists
    .flatMap((list) => list.value)
    .map((entry) => (entry.name ? `${entry.name} <${entry.address ?? ""}>` : (entry.address ?? "")))
    .join(", ");
}

export async function readMail(imap: ImapFlowOptions, params: { folder: string; uid: number }): Promise<MailMessage> {
  const source = await withImap(imap, (client) =>
    withFolder(client, params.folder, true, async () => {
      const found = await client.fetchOne(String(params.uid), { uid: true, size: true }, { uid: true });
      if (!found) throw new MailServerError(`There is no message with uid ${params.uid} in ${params.folder}; search_mail lists the uids.`);
      if ((found.size ?? 0) > MAX_MESSAGE_BYTES) throw new MailServerError(`That message is ${found.size} bytes; Baton reads messages up to ${MAX_MESSAGE_BYTES} bytes.`);
      const full = await client.fetchOne(String(params.uid), { uid: true, source: true }, { uid: true });
      if (!full || !full.source) throw new MailServerError(`The message with uid ${params.uid} has no content.`);
      return full.source;
    }),
  );
  return parseMailSource(params.uid, source);
}

/** A message's raw source as read_mail (and the new-mail trigger) present it. */
export async function parseMailSource(uid: number, source: Buffer): Promise<MailMessage> {
  // Loaded when a message is first read (see imap-session.ts).
  const { simpleParser } = await import("mailparser");
  const parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true });
  return {
    uid,
    messageId: parsed.messageId ?? null,
    date: parsed.date ? parsed.date.toISOString() : null,
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    replyTo: addresses(parsed.replyTo),
    subject: parsed.subject ?? "",
    text: (parsed.text ?? (typeof parsed.html === "string" ? htmlToText(parsed.html) : "")).trim(),
    attachments: parsed.attachments.map((attachment, index) => ({
      filename: attachment.filename ?? `attachment-${index + 1}`,
      contentType: attachment.contentType,
      sizeBytes: attachment.size,
      content: attachment.content,
    })),
  };
}
