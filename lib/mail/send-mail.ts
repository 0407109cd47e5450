// Sends one message over SMTP. The Message-ID is derived from the call's idempotency key, so an
// attempt repeated after a crash is the very same message; with the mailbox's IMAP side at hand,
// the Sent folder is checked first and gets a copy after (./sent-folder.ts).
import type { ImapFlowOptions } from "imapflow";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { MailServerError } from "./imap-session";
import { serverMessage } from "./mail-errors";
import { foundInSent, keepSentCopy } from "./sent-folder";

export interface OutgoingMail {
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  inReplyTo?: string;
  /** Stable per call: "baton-<hash>" becomes <baton-<hash>@the sender's domain>. */
  idempotencyKey: string;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  /** The SMTP server's last answer, or why nothing was sent this time. */
  response: string;
  /** Found in the Sent folder: an earlier attempt sent it, so this one did not. */
  alreadySent: boolean;
  /** Where the copy went: "kept", "already" (the server filed one), "none" (no Sent folder), "failed". */
  sentCopy?: "kept" | "already" | "none" | "failed";
}

export function messageIdFor(from: string, idempotencyKey: string): string {
  const domain = from.split("@")[1] ?? "baton.invalid";
  return `<${idempotencyKey}@${domain}>`;
}

export async function sendMail(smtp: SMTPTransport.Options, mail: OutgoingMail, options: { sentFolder?: ImapFlowOptions } = {}): Promise<SentMail> {
  const messageId = messageIdFor(mail.from, mail.idempotencyKey);
  if (options.sentFolder && (await foundInSent(options.sentFolder, messageId))) {
    return { messageId, accepted: [], response: "Already in the Sent folder: an earlier attempt sent it.", alreadySent: true };
  }
  const raw = await new MailComposer({
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    text: mail.text,
    messageId,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
  })
    .compile()
    .build();
  const transport = nodemailer.createTransport(smtp);
  let sent: Omit<SentMail, "sentCopy">;
  try {
    const info = await transport.sendMail({ envelope: { from: mail.from, to: [...mail.to, ...(mail.cc ?? [])] }, raw });
    sent = { messageId, accepted: info.accepted.map(String), response: info.response, alreadySent: false };
  } catch (error) {
    throw new MailServerError(`The SMTP server ${smtp.tls?.servername ?? smtp.host}:${smtp.port} refused the message: ${serverMessage(error)}`, { cause: error });
  } finally {
    transport.close();
  }
  if (!options.sentFolder) return sent;
  // The mail is gone either way: a failed copy is reported, never turned into a failed send.
  const sentCopy = await keepSentCopy(options.sentFolder, { raw, messageId }).catch(() => "failed" as const);
  return { ...sent, sentCopy };
}
