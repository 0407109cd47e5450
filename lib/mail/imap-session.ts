// One short IMAP session per tool call: connect, do one thing, log out. A run may wait for hours
// between calls, so a connection held open would only time out in between.
import type { ImapFlow, ImapFlowOptions } from "imapflow";
import { serverMessage } from "./mail-errors";

export class MailServerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MailServerError";
  }
}

export async function withImap<T>(options: ImapFlowOptions, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  // Loaded with the first mailbox call, not with the worker (imapflow and mailparser together
  // cost a process about 40 MB, measured; most workers never read mail).
  const { ImapFlow } = await import("imapflow");
  const client = new ImapFlow(options);
  // An idle socket error after the work is done must not crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new MailServerError(`The IMAP server ${options.servername ?? options.host}:${options.port} refused the connection: ${serverMessage(error)}`, { cause: error });
  }
  try {
    return await work(client);
  } catch (error) {
    if (error instanceof MailServerError) throw error;
    throw new MailServerError(`The IMAP server answered: ${serverMessage(error)}`, { cause: error });
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Opens a folder for the work; a missing folder is named as such, with the ones that exist. */
export async function withFolder<T>(client: ImapFlow, folder: string, readOnly: boolean, work: () => Promise<T>): Promise<T> {
  let lock;
  try {
    lock = await client.getMailboxLock(folder, { readOnly });
  } catch (error) {
    const folders = await client.list().catch(() => []);
    const names = folders.map((entry) => entry.path).slice(0, 30);
    throw new MailServerError(`There is no folder "${folder}"${names.length ? ` (folders: ${names.join(", ")})` : ""}.`, { cause: error });
  }
  try {
    return await work();
  } finally {
    lock.release();
  }
}
