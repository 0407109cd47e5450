import { constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { readMail, type MailAttachment } from "@/lib/mail/read-mail";
import type { ToolContext, ToolDefinition } from "../types";
import { resolveForWrite } from "../workspace/workspace";
import { asToolError, MAIL_IS_DATA, requireMailbox, type MailboxFor, folderSchema } from "./mail-tool-support";

/** The model gets at most this much of a body; the rest is counted, not sent. */
const MAX_BODY_CHARS = 20_000;

const input = z.object({
  folder: folderSchema,
  uid: z.number().int().positive().describe("The message's uid, from search_mail."),
  saveAttachments: z.boolean().default(false).describe("true: save the attachments into the task workspace under mail/<uid>/."),
});

/** "../../x.pdf" or "a/b.pdf" from a sender becomes one plain file name. */
function safeFileName(name: string, index: number): string {
  const base = path.basename(name.replace(/\\/g, "/")).replace(/[\0-\x1f<>:"|?*]/g, "_").trim();
  return !base || base === "." || base === ".." ? `attachment-${index + 1}` : base.slice(0, 200);
}

async function saveAttachment(context: ToolContext, uid: number, attachment: MailAttachment, index: number): Promise<string> {
  const resolved = await resolveForWrite(context, `mail/${uid}/${safeFileName(attachment.filename, index)}`);
  await mkdir(path.dirname(resolved.real), { recursive: true });
  const handle = await open(resolved.real, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(attachment.content);
  } finally {
    await handle.close();
  }
  return resolved.relative;
}

export function readMailTool(mailboxFor: MailboxFor): ToolDefinition<typeof input> {
  return {
    name: "read_mail",
    description: `Read one message from the person's mailbox: headers, the plain-text body, and the names and sizes of its attachments; with saveAttachments, the attachments are saved into the task workspace. Read-only: the message is not marked as read. ${MAIL_IS_DATA}`,
    input,
    // Saving attachments writes into Baton's own workspace; the mailbox is only read either way.
    risk: ({ saveAttachments }) => (saveAttachments ? "write" : "read"),
    target: ({ folder, uid }) => `mail ${uid} in ${folder}`,
    idempotent: () => true,
    async run(args, context) {
      const mailbox = await requireMailbox(mailboxFor, context);
      const message = await asToolError(() => readMail(mailbox.imap, args));
      const saved = args.saveAttachments ? await Promise.all(message.attachments.map((attachment, index) => saveAttachment(context, args.uid, attachment, index))) : [];
      const text = message.text.length > MAX_BODY_CHARS ? `${message.text.slice(0, MAX_BODY_CHARS)}… [${message.text.length - MAX_BODY_CHARS} more characters]` : message.text;
      return {
        output: {
          uid: message.uid,
          messageId: message.messageId,
          date: message.date,
          from: message.from,
          to: message.to,
          cc: message.cc,
          replyTo: message.replyTo,
          subject: message.subject,
          text,
          attachments: message.attachments.map((attachment, index) => ({
            filename: attachment.filename,
            contentType: attachment.contentType,
            sizeBytes: attachment.sizeBytes,
            ...(saved[index] ? { savedAs: saved[index] } : {}),
          })),
          note: MAIL_IS_DATA,
        },
        summary: `Read "${message.subject}" from ${message.from}${saved.length ? `; saved ${saved.length} attachment${saved.length === 1 ? "" : "s"}` : ""}`,
      };
    },
  };
}
