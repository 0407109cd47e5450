import { z } from "zod";
import { sendMail } from "@/lib/mail/send-mail";
import type { ToolDefinition } from "../types";
import { asToolError, requireMailbox, type MailboxFor } from "./mail-tool-support";

const address = z.email({ message: "must be a mail address" }).max(320);

const input = z.object({
  to: z.array(address).min(1).max(20).describe("Recipients' addresses."),
  cc: z.array(address).max(20).optional().describe("Copy to these addresses."),
  subject: z.string().trim().min(1).max(300).describe("The subject line."),
  body: z.string().min(1).max(100_000).describe("The whole message, as plain text."),
  inReplyTo: z.string().trim().max(500).optional().describe("The Message-ID of the mail this answers (from read_mail), to keep the thread."),
});

export function sendMailTool(mailboxFor: MailboxFor): ToolDefinition<typeof input> {
  return {
    name: "send_mail",
    description: "Send a plain-text mail from the person's own address over their SMTP server. The person sees the draft (recipients, subject, body) before it goes, unless their policy says otherwise.",
    input,
    risk: () => "external",
    target: ({ to, cc, subject }) => `mail to ${[...to, ...(cc ?? [])].join(", ")}: "${subject}"`,
    // Not retried within an attempt. After a crash the journal runs it again with the same key: the
    // Sent folder then shows it went, and the Message-ID is the same should it go twice.
    idempotent: () => false,
    async run(args, context) {
      const mailbox = await requireMailbox(mailboxFor, context);
      const sent = await asToolError(() =>
        sendMail(
          mailbox.smtp,
          { from: mailbox.address, to: args.to, cc: args.cc, subject: args.subject, text: args.body, inReplyTo: args.inReplyTo, idempotencyKey: context.idempotencyKey },
          { sentFolder: mailbox.imap },
        ),
      );
      const recipients = `${args.to.join(", ")}${args.cc?.length ? ` (cc ${args.cc.join(", ")})` : ""}`;
      return {
        output: { messageId: sent.messageId, accepted: sent.accepted, server: sent.response, alreadySent: sent.alreadySent, sentCopy: sent.sentCopy },
        summary: sent.alreadySent ? `"${args.subject}" to ${recipients} was already sent (found in the Sent folder); not sent again` : `Sent "${args.subject}" to ${recipients}`,
      };
    },
  };
}
