// Sends one message over SMTP. The Message-ID is derived from the call's idempotency key, so an
// attempt repeated after a crash sends the very same message (receivers and threads see one).
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { serverMessage } from "./mail-errors";
import { MailServerError } from "./imap-session";

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

export function messageIdFor(from: string, idempotencyKey: string): string {
  const domain = from.split("@")[1] ?? "baton.invalid";
  return `<${idempotencyKey}@${domain}>`;
}

export async function sendMail(smtp: SMTPTransport.Options, mail: OutgoingMail): Promise<{ messageId: string; accepted: string[]; response: string }> {
  const transport = nodemailer.createTransport(smtp);
  const messageId = messageIdFor(mail.from, mail.idempotencyKey);
  try {
    const info = await transport.sendMail({
      from: mail.from,
      to: mail.to,
      cc: mail.cc,
      subject: mail.subject,
      text: mail.text,
      messageId,
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
    });
    return { messageId, accepted: info.accepted.map(String), response: info.response };
  } catch (error) {
    throw new MailServerError(`The SMTP server ${smtp.host}:${smtp.port} refused the message: ${serverMessage(error)}`, { cause: error });
  } finally {
    transport.close();
  }
}
