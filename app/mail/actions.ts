"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { failureOf, parsedUserAction, userAction, type ActionFailure, type ActionResult } from "@/lib/http/server-action";
import { removeMailbox, saveMailbox } from "@/lib/mail/manage-mailbox";
import { saveMailboxInput } from "@/lib/mail/schemas";
import { testMailbox, type MailboxCheck } from "@/lib/mail/test-connection";

export type MailboxFormState = Partial<ActionFailure> & {
  /** What was typed, never the password, kept after a refusal or a test. */
  values?: Record<string, string | string[]>;
  saved?: boolean;
  check?: MailboxCheck;
};

const FIELDS = ["address", "username", "imapHost", "imapPort", "imapSecurity", "smtpHost", "smtpPort", "smtpSecurity"] as const;

/** One form, two buttons: "Save" stores the settings, "Test connection" only tries them. */
export async function mailboxFormAction(_previous: MailboxFormState, form: FormData): Promise<MailboxFormState> {
  const values: Record<string, string | string[]> = Object.fromEntries(FIELDS.map((name) => [name, String(form.get(name) ?? "")]));
  values.noticeKinds = form.getAll("noticeKinds").map(String);
  const input = { ...values, password: String(form.get("password") ?? "") };
  if (form.get("intent") === "test") {
    const result = await parsedUserAction("test mailbox", saveMailboxInput, input, (data, user) => testMailbox(db(), { userId: user.id, input: data }));
    return { ...failureOf(result), values, check: result.ok ? result.value : undefined };
  }
  const result = await parsedUserAction("save mailbox", saveMailboxInput, input, (data, user) => saveMailbox(db(), { userId: user.id, input: data }));
  if (result.ok) revalidatePath("/mail");
  return { ...failureOf(result), saved: result.ok, values };
}

export async function removeMailboxAction(): Promise<ActionResult> {
  return userAction("remove mailbox", async (user) => {
    await removeMailbox(db(), { userId: user.id });
    revalidatePath("/mail");
    return undefined;
  });
}
