import { z } from "zod";
import { searchMail } from "@/lib/mail/search-mail";
import type { ToolDefinition } from "../types";
import { asToolError, MAIL_IS_DATA, requireMailbox, type MailboxFor, folderSchema } from "./mail-tool-support";

const input = z.object({
  folder: folderSchema,
  from: z.string().trim().min(1).max(200).optional().describe("Part of the sender's address or name."),
  subject: z.string().trim().min(1).max(200).optional().describe("Part of the subject."),
  since: z.iso.date().optional().describe("Only mail received on or after this day (YYYY-MM-DD)."),
  unread: z.boolean().optional().describe("true: only unread mail."),
  limit: z.number().int().min(1).max(50).default(20).describe("At most this many, newest first (default 20)."),
});

export function searchMailTool(mailboxFor: MailboxFor): ToolDefinition<typeof input> {
  return {
    name: "search_mail",
    description: `Search the person's mailbox (IMAP): by folder, sender, subject, date and unread state; newest first, with the uid to pass to read_mail. Read-only: nothing is marked as read. ${MAIL_IS_DATA}`,
    input,
    risk: () => "read",
    target: ({ folder }) => `mailbox folder ${folder}`,
    idempotent: () => true,
    async run(args, context) {
      const mailbox = await requireMailbox(mailboxFor, context);
      const found = await asToolError(() => searchMail(mailbox.imap, { ...args, since: args.since ? new Date(`${args.since}T00:00:00Z`) : undefined }));
      return {
        output: { folder: args.folder, total: found.total, shown: found.messages.length, messages: found.messages, note: MAIL_IS_DATA },
        summary: `${found.total} message${found.total === 1 ? "" : "s"} in ${args.folder}${found.total > found.messages.length ? `, ${found.messages.length} shown` : ""}`,
      };
    },
  };
}
