// The Sent folder as the record of what left: after sending, a copy goes there (unless the server
// put one there itself), and before sending, the Message-ID is looked up there. A send repeated
// after a crash between the SMTP server's "250 OK" and the effect journal's record finds its copy
// and does not send again.
import type { ImapFlow, ImapFlowOptions } from "imapflow";
import { withImap } from "./imap-session";

async function sentFolderOf(client: ImapFlow): Promise<string | null> {
  const folders = await client.list();
  return folders.find((folder) => folder.specialUse === "\\Sent")?.path ?? null;
}

async function hasCopy(client: ImapFlow, folder: string, messageId: string): Promise<boolean> {
  const lock = await client.getMailboxLock(folder, { readOnly: true });
  try {
    const found = await client.search({ header: { "message-id": messageId } }, { uid: true });
    return Array.isArray(found) && found.length > 0;
  } finally {
    lock.release();
  }
}

/** True when the Sent folder holds this Message-ID; false when it does not or cannot be read. */
export async function foundInSent(imap: ImapFlowOptions, messageId: string): Promise<boolean> {
  try {
    return await withImap(imap, async (client) => {
      const folder = await sentFolderOf(client);
      return folder ? hasCopy(client, folder, messageId) : false;
    });
  } catch {
    // Unreadable is not "sent": the journal still stands between this call and a second send.
    return false;
  }
}

/** Files the sent message in the Sent folder, once; "none" when the mailbox has no Sent folder. */
export async function keepSentCopy(imap: ImapFlowOptions, params: { raw: Buffer; messageId: string }): Promise<"kept" | "already" | "none"> {
  return withImap(imap, async (client) => {
    const folder = await sentFolderOf(client);
    if (!folder) return "none";
    if (await hasCopy(client, folder, params.messageId)) return "already";
    await client.append(folder, params.raw, ["\\Seen"]);
    return "kept";
  });
}
