// Marks a message read or unread, or moves it to another folder: a write to the person's mailbox,
// which the risk policy governs like any other.
import type { ImapFlowOptions } from "imapflow";
import { MailServerError, withFolder, withImap } from "./imap-session";

export interface MailUpdate {
  folder: string;
  uid: number;
  markRead?: boolean;
  moveTo?: string;
}

export async function updateMail(imap: ImapFlowOptions, update: MailUpdate): Promise<{ uid: number; folder: string }> {
  return withImap(imap, (client) =>
    withFolder(client, update.folder, false, async () => {
      const found = await client.fetchOne(String(update.uid), { uid: true }, { uid: true });
      if (!found) throw new MailServerError(`There is no message with uid ${update.uid} in ${update.folder}.`);
      if (update.markRead === true) await client.messageFlagsAdd(String(update.uid), ["\\Seen"], { uid: true });
      if (update.markRead === false) await client.messageFlagsRemove(String(update.uid), ["\\Seen"], { uid: true });
      if (update.moveTo && update.moveTo !== update.folder) {
        const moved = await client.messageMove(String(update.uid), update.moveTo, { uid: true });
        const newUid = moved ? moved.uidMap?.get(update.uid) : undefined;
        return { uid: newUid ?? update.uid, folder: update.moveTo };
      }
      return { uid: update.uid, folder: update.folder };
    }),
  );
}
