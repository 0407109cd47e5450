// A person's mailbox settings: read, save, remove. Every query is scoped by userId; the password
// goes into the secret store and never comes back out of this module (the view says only that it
// is set). The tools and notices read it through mailbox-connection.ts.
import type { Db, DbTx } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { MailAccount } from "@/lib/generated/prisma/client";
import { deleteSecret, setSecret, type SecretRef } from "@/lib/secrets/secret-store";
import type { MailSecurity, SaveMailboxInput } from "./schemas";

export const MAIL_PASSWORD_SECRET = "mail:password";

export const mailSecretRef = (userId: string): SecretRef => ({ owner: { scope: "user", userId }, name: MAIL_PASSWORD_SECRET });

export interface MailboxView {
  address: string;
  username: string;
  imapHost: string;
  imapPort: number;
  imapSecurity: MailSecurity;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: MailSecurity;
  noticeKinds: string[];
  /** Always true once saved; the password is never shown. */
  passwordSet: boolean;
  updatedAt: string;
}

const toView = (row: MailAccount): MailboxView => ({
  address: row.address,
  username: row.username,
  imapHost: row.imapHost,
  imapPort: row.imapPort,
  imapSecurity: row.imapSecurity as MailSecurity,
  smtpHost: row.smtpHost,
  smtpPort: row.smtpPort,
  smtpSecurity: row.smtpSecurity as MailSecurity,
  noticeKinds: row.noticeKinds,
  passwordSet: true,
  updatedAt: row.updatedAt.toISOString(),
});

export async function getMailbox(db: DbTx, params: { userId: string }): Promise<MailboxView | null> {
  const row = await db.mailAccount.findUnique({ where: { userId: params.userId } });
  return row ? toView(row) : null;
}

export async function saveMailbox(db: Db, params: { userId: string; input: SaveMailboxInput }): Promise<MailboxView> {
  const { userId, input } = params;
  const { password, ...fields } = input;
  return db.$transaction(async (tx) => {
    const existing = await tx.mailAccount.findUnique({ where: { userId }, select: { id: true } });
    if (!existing && !password) {
      throw new AppError("BAD_REQUEST", { message: "Some fields need fixing.", fieldErrors: { password: ["Enter the password or app password."] } });
    }
    if (password) await setSecret(tx, { ...mailSecretRef(userId), kind: "mail-password", value: password, hint: "••••••••" });
    const row = await tx.mailAccount.upsert({
      where: { userId },
      create: { ...fields, userId, passwordSecretName: MAIL_PASSWORD_SECRET },
      update: fields,
    });
    return toView(row);
  });
}

/** Removes the mailbox and its stored password together. */
export async function removeMailbox(db: Db, params: { userId: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.mailAccount.deleteMany({ where: { userId: params.userId } });
    await deleteSecret(tx, mailSecretRef(params.userId));
  });
}
