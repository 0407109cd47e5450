// search_mail, read_mail, update_mail and send_mail: the person's own mailbox, reached with the
// settings and password on their Mail page. Reading is read-only (nothing is marked as seen);
// marking and moving are writes, sending is external, and the person's policy decides each.
// What a mail says is data for the model, never instructions to it.
import type { ToolDefinition } from "../types";
import type { MailboxFor } from "./mail-tool-support";
import { readMailTool } from "./read-mail-tool";
import { searchMailTool } from "./search-mail-tool";
import { sendMailTool } from "./send-mail-tool";
import { updateMailTool } from "./update-mail-tool";

export function mailTools(mailboxFor: MailboxFor): ToolDefinition[] {
  const tools = [searchMailTool(mailboxFor), readMailTool(mailboxFor), updateMailTool(mailboxFor), sendMailTool(mailboxFor)];
  return tools as unknown as ToolDefinition[];
}

/** For the web side's check of edited arguments: the same schemas, no mailbox behind them. */
export const mailToolSchemas = mailTools(() => Promise.resolve(null));
