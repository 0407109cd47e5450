"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { createCredential, createSshKeyCredential, deleteCredential, updateCredential } from "@/lib/credentials/manage-credentials";
import { createCredentialInput, createSshKeyCredentialInput, updateCredentialInput } from "@/lib/credentials/schemas";
import { failureOf, parsedUserAction, userAction, type ActionFailure, type ActionResult } from "@/lib/http/server-action";

export type CredentialFormState = Partial<ActionFailure> & {
  /** What was typed, never the password or TOTP secret, kept after a refusal. */
  values?: { name?: string; label?: string; origins?: string; username?: string };
  saved?: boolean;
};

export async function saveCredentialAction(_previous: CredentialFormState, form: FormData): Promise<CredentialFormState> {
  const text = (name: string) => (form.has(name) ? String(form.get(name)) : undefined);
  const values = { name: text("name"), label: text("label"), origins: text("origins"), username: text("username") };
  const input = { ...values, password: text("password"), totpSecret: text("totpSecret"), removeTotp: text("removeTotp") };
  const id = text("id");
  const result = id
    ? await parsedUserAction("update credential", updateCredentialInput, input, (data, user) => updateCredential(db(), { userId: user.id, credentialId: id, input: data }))
    : await parsedUserAction("create credential", createCredentialInput, input, (data, user) => createCredential(db(), { userId: user.id, input: data }));
  if (result.ok) revalidatePath("/credentials");
  // A new credential's form starts empty again; an edited one shows what was saved.
  return { ...failureOf(result), saved: result.ok, values: result.ok && !id ? {} : values };
}

export type SshKeyFormState = Partial<ActionFailure> & {
  /** What was typed, never the private key, kept after a refusal. */
  values?: { name?: string; label?: string; site?: string; hostKey?: string };
  saved?: boolean;
};

export async function saveSshKeyCredentialAction(_previous: SshKeyFormState, form: FormData): Promise<SshKeyFormState> {
  const text = (name: string) => (form.has(name) ? String(form.get(name)) : undefined);
  const values = { name: text("name"), label: text("label"), site: text("site"), hostKey: text("hostKey") };
  const result = await parsedUserAction("create ssh key credential", createSshKeyCredentialInput, { ...values, privateKey: text("privateKey") }, (data, user) =>
    createSshKeyCredential(db(), { userId: user.id, input: data }),
  );
  if (result.ok) revalidatePath("/credentials");
  return { ...failureOf(result), saved: result.ok, values: result.ok ? {} : values };
}

export async function deleteCredentialAction(credentialId: string): Promise<ActionResult> {
  return userAction("delete credential", async (user) => {
    await deleteCredential(db(), { userId: user.id, credentialId });
    revalidatePath("/credentials");
    return undefined;
  });
}
