"use client";

import { useActionState } from "react";
import { deleteCredentialAction, saveCredentialAction, saveSshKeyCredentialAction, type CredentialFormState, type SshKeyFormState } from "@/app/credentials/actions";
import { ActionError, useActionRunner } from "@/components/action-runner";
import { Field, FormMessage, inputClass, secondaryButtonClass } from "@/components/form-field";
import type { CredentialView } from "@/lib/credentials/manage-credentials";

/**
 * Adds a credential, or edits one. The password and TOTP secret are write-only: never sent to
 * the browser, so never prefilled; left blank on an edit, the stored ones stay.
 */
export function CredentialForm({ credential }: { credential?: CredentialView }) {
  const [state, formAction, pending] = useActionState<CredentialFormState, FormData>(saveCredentialAction, {});
  const errors = state.fieldErrors ?? {};
  const prefix = credential ? `credential-${credential.id}` : "new-credential";
  const id = (name: string) => `${prefix}-${name}`;
  const value = (name: "name" | "label" | "origins" | "username") =>
    state.values?.[name] ?? (credential ? (name === "origins" ? credential.origins.join("\n") : credential[name]) : "");
  const describedBy = (name: string) => (errors[name] ? `${id(name)}-error` : undefined);
  // After a refusal the secret fields are empty again: what was typed in them is never sent back.
  const secretHint = (usual: string) => (state.fieldErrors ? (credential ? "Not saved: type a new one again, or leave blank to keep the saved one." : "Type it again: Baton never sends it back to the page.") : usual);

  function textField(name: "name" | "label" | "username", label: string, hint: string, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) {
    return (
      <Field label={label} name={id(name)} errors={errors[name]} hint={hint}>
        <input
          id={id(name)}
          name={name}
          key={value(name)}
          defaultValue={value(name)}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={Boolean(errors[name])}
          aria-describedby={describedBy(name)}
          className={inputClass}
          {...extra}
        />
      </Field>
    );
  }

  return (
    <form action={formAction} noValidate className="space-y-4" aria-label={credential ? `Edit ${credential.label}` : "Add a credential"}>
      {credential && <input type="hidden" name="id" value={credential.id} />}
      {state.message && !state.fieldErrors ? <FormMessage message={state.message} /> : null}
      {textField("label", "Label", "What you call it, e.g. Billing portal.")}
      {textField("name", "Name", "How a playbook refers to it: lower-case letters, digits and hyphens.", { placeholder: "billing-portal", autoCapitalize: "none" })}
      <Field label="Sites" name={id("origins")} errors={errors.origins} hint="One a line, e.g. https://billing.example.com. Baton fills it in on these sites only.">
        <textarea
          id={id("origins")}
          name="origins"
          key={value("origins")}
          defaultValue={value("origins")}
          rows={2}
          spellCheck={false}
          autoCapitalize="none"
          placeholder="https://billing.example.com"
          aria-invalid={Boolean(errors.origins)}
          aria-describedby={describedBy("origins")}
          className={inputClass}
        />
      </Field>
      {textField("username", "User name", "Shown here and typed into the site's sign-in form.", { autoCapitalize: "none" })}
      <Field
        label="Password"
        name={id("password")}
        errors={errors.password}
        hint={secretHint(credential ? "Saved. Leave blank to keep it." : "Stored encrypted; never shown again, not even to you.")}
      >
        <input
          id={id("password")}
          name="password"
          type="password"
          // Keeps the browser from offering Baton's own sign-in password here.
          autoComplete="new-password"
          spellCheck={false}
          aria-invalid={Boolean(errors.password)}
          aria-describedby={describedBy("password")}
          className={inputClass}
        />
      </Field>
      <Field
        label="TOTP secret (optional)"
        name={id("totpSecret")}
        errors={errors.totpSecret}
        hint={secretHint(
          credential?.totpSet ? "Saved. Leave blank to keep it." : "For a site that asks for a 6-digit code: the setup key shown beside its QR code. Baton makes the codes.",
        )}
      >
        <input
          id={id("totpSecret")}
          name="totpSecret"
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="characters"
          aria-invalid={Boolean(errors.totpSecret)}
          aria-describedby={describedBy("totpSecret")}
          className={inputClass}
        />
      </Field>
      {credential?.totpSet && (
        <label className="flex min-h-11 items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="removeTotp" className="size-5 rounded border-slate-300" />
          Remove the saved TOTP secret
        </label>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={pending} className="min-h-11 rounded-lg bg-indigo-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-70">
          {pending ? "Saving…" : credential ? "Save changes" : "Add credential"}
        </button>
        {state.saved && !pending && (
          <p role="status" className="text-sm text-emerald-700">
            Saved.
          </p>
        )}
      </div>
    </form>
  );
}

export function DeleteCredentialButton({ credential }: { credential: CredentialView }) {
  const { busy, error, runConfirmed } = useActionRunner();
  return (
    <div className="space-y-2">
      <button type="button" disabled={busy} className={`${secondaryButtonClass} text-rose-700`} onClick={() => runConfirmed(`Delete "${credential.label}"? Its password and TOTP secret are erased; playbooks that use ${credential.name} will stop at sign-in.`, () => deleteCredentialAction(credential.id))}>
        {busy ? "Deleting…" : "Delete"}
      </button>
      <ActionError message={error} />
    </div>
  );
}

/**
 * Adds an SSH key credential for git over SSH. The private key is write-only like a password: never
 * sent back to the page, so after a refusal it must be pasted again; the host key is public.
 */
export function SshKeyForm() {
  const [state, formAction, pending] = useActionState<SshKeyFormState, FormData>(saveSshKeyCredentialAction, {});
  const errors = state.fieldErrors ?? {};
  const id = (name: string) => `new-ssh-key-${name}`;
  const value = (name: "name" | "label" | "site" | "hostKey") => state.values?.[name] ?? "";
  const describedBy = (name: string) => (errors[name] ? `${id(name)}-error` : undefined);
  const field = (name: "name" | "label" | "site", label: string, hint: string, placeholder: string) => (
    <Field label={label} name={id(name)} errors={errors[name]} hint={hint}>
      <input
        id={id(name)}
        name={name}
        key={value(name)}
        defaultValue={value(name)}
        placeholder={placeholder}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        aria-invalid={Boolean(errors[name])}
        aria-describedby={describedBy(name)}
        className={inputClass}
      />
    </Field>
  );
  return (
    <form action={formAction} noValidate className="space-y-4" aria-label="Add an SSH key">
      {state.message && !state.fieldErrors ? <FormMessage message={state.message} /> : null}
      {field("label", "Label", "What you call it, e.g. Company git server.", "Company git server")}
      {field("name", "Name", "Lower-case letters, digits and hyphens; a PR handoff may name it.", "git-server")}
      {field("site", "SSH server", "The host of your ssh:// or git@host: remotes, with its port if not 22. The key is used for this server only.", "ssh://git.example.com")}
      <Field
        label="Private key"
        name={id("privateKey")}
        errors={errors.privateKey}
        hint={state.fieldErrors ? "Paste it again: Baton never sends it back to the page." : "The whole file (e.g. id_ed25519), without a passphrase. Stored encrypted; never shown again."}
      >
        <textarea
          id={id("privateKey")}
          name="privateKey"
          rows={4}
          spellCheck={false}
          autoCapitalize="none"
          autoComplete="off"
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          aria-invalid={Boolean(errors.privateKey)}
          aria-describedby={describedBy("privateKey")}
          className={`${inputClass} font-mono`}
        />
      </Field>
      <Field label="Server host key" name={id("hostKey")} errors={errors.hostKey} hint="The server's public key line (ssh-keyscan -t ed25519 git.example.com prints it). Baton refuses a server that shows another.">
        <textarea
          id={id("hostKey")}
          name="hostKey"
          key={value("hostKey")}
          defaultValue={value("hostKey")}
          rows={2}
          spellCheck={false}
          autoCapitalize="none"
          placeholder="ssh-ed25519 AAAAC3…"
          aria-invalid={Boolean(errors.hostKey)}
          aria-describedby={describedBy("hostKey")}
          className={`${inputClass} font-mono`}
        />
      </Field>
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" disabled={pending} className="min-h-11 rounded-lg bg-indigo-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-70">
          {pending ? "Saving…" : "Add SSH key"}
        </button>
        {state.saved && !pending && (
          <p role="status" className="text-sm text-emerald-700">
            Saved.
          </p>
        )}
      </div>
    </form>
  );
}
