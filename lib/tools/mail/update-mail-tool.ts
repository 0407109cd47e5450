import { z } from "zod";
import { updateMail } from "@/lib/mail/update-mail";
import type { ToolDefinition } from "../types";
import { asToolError, requireMailbox, type MailboxFor, folderSchema } from "./mail-tool-support";

const input = z
  .object({
    folder: folderSchema,
    uid: z.number().int().positive().describe("The message's uid, from search_mail."),
    markRead: z.boolean().optional().describe("true: mark as read; false: mark as unread."),
    moveTo: z.string().trim().min(1).max(200).optional().describe('Move it to this folder, e.g. "Archive".'),
  })
  .refine((value) => value.markRead !== undefined || value.moveTo !== undefined, { message: "Say markRead, moveTo, or both." });

export function updateMailTool(mailboxFor: MailboxFor): ToolDefinition<typeof input> {
  return {
    name: "update_mail",
    description: "Mark a message in the person's mailbox as read or unread, or move it to another folder.",
    input,
    risk: () => "write",
    target: ({ folder, uid, markRead, moveTo }) =>
      [`mail ${uid} in ${folder}:`, markRead === undefined ? null : markRead ? "mark read" : "mark unread", moveTo ? `move to ${moveTo}` : null].filter(Boolean).join(" "),
    // Setting a flag twice is the same; a move repeated finds the message gone and says so.
    idempotent: ({ moveTo }) => moveTo === undefined,
    async run(args, context) {
      const mailbox = await requireMailbox(mailboxFor, context);
      const result = await asToolError(() => updateMail(mailbox.imap, args));
      return { output: result, summary: `Updated mail ${args.uid} in ${args.folder}${args.moveTo ? ` (now in ${result.folder})` : ""}` };
    },
  };
}
