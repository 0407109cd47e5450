// "Test connection" on the Mail page: signs in to IMAP and to SMTP with what was typed (or the
// stored password) and reports each server's own answer.
import nodemailer from "nodemailer";
import type { DbTx } from "@/lib/db";
import { revealSecret } from "@/lib/secrets/secret-store";
import { MailServerError, withImap } from "./imap-session";
import { serverMessage } from "./mail-errors";
import { imapOptions, pinImap, pinSmtp, smtpOptions } from "./mailbox-connection";
import { mailSecretRef } from "./manage-mailbox";
import type { SaveMailboxInput } from "./schemas";

export interface ConnectionCheck {
  ok: boolean;
  /** The server's words: "INBOX has 3 messages" or "[AUTHENTICATIONFAILED] Authentication failed." */
  message: string;
}

export interface MailboxCheck {
  imap: ConnectionCheck;
  smtp: ConnectionCheck;
}

export async function testMailbox(db: DbTx, params: { userId: string; input: SaveMailboxInput }): Promise<MailboxCheck> {
  const password = params.input.password ?? (await revealSecret(db, mailSecretRef(params.userId)));
  if (password === null) {
    const missing = { ok: false, message: "Enter the password or app password to test." };
    return { imap: missing, smtp: missing };
  }
  const [imap, smtp] = await Promise.all([checkImap(params.input, password), checkSmtp(params.input, password)]);
  return { imap, smtp };
}

async function checkImap(input: SaveMailboxInput, password: string): Promise<ConnectionCheck> {
  try {
    const exists = await withImap(imapOptions(input, password, await pinImap(input)), async (client) => {
      const status = await client.status("INBOX", { messages: true });
      return status ? (status.messages ?? 0) : 0;
    });
    return { ok: true, message: `Signed in; INBOX has ${exists} message${exists === 1 ? "" : "s"}.` };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

async function checkSmtp(input: SaveMailboxInput, password: string): Promise<ConnectionCheck> {
  let transport: ReturnType<typeof nodemailer.createTransport> | undefined;
  try {
    transport = nodemailer.createTransport(smtpOptions(input, password, await pinSmtp(input)));
    await transport.verify();
    return { ok: true, message: `Signed in to ${input.smtpHost}:${input.smtpPort}; ready to send.` };
  } catch (error) {
    if (error instanceof MailServerError) return { ok: false, message: error.message };
    return { ok: false, message: `The SMTP server ${input.smtpHost}:${input.smtpPort} answered: ${serverMessage(error)}` };
  } finally {
    transport?.close();
  }
}
