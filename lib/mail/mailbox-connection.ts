// For the mail tools and notices only: the settings and password needed to reach a person's
// mailbox, with each host pinned to an address the egress rules allow (./mail-egress.ts). The
// secret store remembers the password it hands out, so redaction removes it from anything stored
// or logged afterwards.
import type { ImapFlowOptions } from "imapflow";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { DbTx } from "@/lib/db";
import { env } from "@/lib/env";
import { revealSecret } from "@/lib/secrets/secret-store";
import { pinMailHost, type PinnedHost } from "./mail-egress";
import { mailSecretRef } from "./manage-mailbox";
import type { MailSecurity } from "./schemas";

export interface MailboxConnection {
  address: string;
  noticeKinds: string[];
  imap: ImapFlowOptions;
  smtp: SMTPTransport.Options;
}

/** Seconds a server gets to answer before the tool reports it unreachable. */
const TIMEOUT_MS = 15_000;

/** Hosts the admin allows although private (the HTTP tools' list): BATON_HTTP_ALLOWLIST. */
const egressAllowlist = () => env().BATON_HTTP_ALLOWLIST;

export function imapOptions(settings: { imapPort: number; imapSecurity: string; username: string }, password: string, host: PinnedHost): ImapFlowOptions {
  const security = settings.imapSecurity as MailSecurity;
  return {
    host: host.address,
    servername: host.servername,
    port: settings.imapPort,
    secure: security === "tls",
    // "none" means none: ImapFlow would otherwise upgrade whenever the server offers STARTTLS.
    doSTARTTLS: security === "starttls" ? true : security === "none" ? false : undefined,
    auth: { user: settings.username, pass: password },
    logger: false,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: 60_000,
  };
}

export function smtpOptions(settings: { smtpPort: number; smtpSecurity: string; username: string }, password: string, host: PinnedHost): SMTPTransport.Options {
  const security = settings.smtpSecurity as MailSecurity;
  return {
    host: host.address,
    tls: host.servername ? { servername: host.servername } : undefined,
    port: settings.smtpPort,
    secure: security === "tls",
    requireTLS: security === "starttls",
    ignoreTLS: security === "none",
    auth: { user: settings.username, pass: password },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: 60_000,
  };
}

/** Null when the person has not connected a mailbox (or its password is gone). */
export async function mailboxConnection(db: DbTx, params: { userId: string }): Promise<MailboxConnection | null> {
  const row = await db.mailAccount.findUnique({ where: { userId: params.userId } });
  if (!row) return null;
  const password = await revealSecret(db, mailSecretRef(params.userId));
  if (password === null) return null;
  const [imapHost, smtpHost] = await Promise.all([pinImap(row), pinSmtp(row)]);
  return { address: row.address, noticeKinds: row.noticeKinds, imap: imapOptions(row, password, imapHost), smtp: smtpOptions(row, password, smtpHost) };
}

export const pinImap = (settings: { imapHost: string; imapPort: number }) => pinMailHost(settings.imapHost, settings.imapPort, { allowlist: egressAllowlist() });
export const pinSmtp = (settings: { smtpHost: string; smtpPort: number }) => pinMailHost(settings.smtpHost, settings.smtpPort, { allowlist: egressAllowlist() });
