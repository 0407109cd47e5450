"use client";

import { useActionState } from "react";
import { mailboxFormAction, removeMailboxAction, type MailboxFormState } from "@/app/mail/actions";
import { ActionError, useActionRunner } from "@/components/action-runner";
import { Field, FormMessage, inputClass, secondaryButtonClass } from "@/components/form-field";
import type { MailboxView } from "@/lib/mail/manage-mailbox";

const NOTICE_KINDS = [
  { kind: "approval", label: "Approvals, with Approve and Deny links" },
  { kind: "completed", label: "Finished tasks" },
  { kind: "failed", label: "Failed tasks" },
  { kind: "schedule", label: "Missed schedule runs" },
] as const;

const SECURITY = [
  { value: "tls", label: "TLS (993 / 465)" },
  { value: "starttls", label: "STARTTLS (143 / 587)" },
  { value: "none", label: "None (this machine only)" },
];

/**
 * The mailbox: where Baton reads (IMAP) and sends (SMTP), and which notices it mails. The password
 * is write-only: never sent to the browser, so never prefilled; left blank, the stored one stays.
 */
export function MailboxForm({ mailbox }: { mailbox: MailboxView | null }) {
  const [state, formAction, pending] = useActionState<MailboxFormState, FormData>(mailboxFormAction, {});
  const errors = state.fieldErrors ?? {};
  const initial: Record<string, string> = {
    address: mailbox?.address ?? "",
    username: mailbox?.username ?? "",
    imapHost: mailbox?.imapHost ?? "",
    imapPort: String(mailbox?.imapPort ?? 993),
    imapSecurity: mailbox?.imapSecurity ?? "tls",
    smtpHost: mailbox?.smtpHost ?? "",
    smtpPort: String(mailbox?.smtpPort ?? 465),
    smtpSecurity: mailbox?.smtpSecurity ?? "tls",
  };
  const value = (name: string) => {
    const typed = state.values?.[name];
    return typeof typed === "string" ? typed : (initial[name] ?? "");
  };
  const kinds = (state.values?.noticeKinds as string[] | undefined) ?? mailbox?.noticeKinds ?? [];
  const id = (name: string) => `mailbox-${name}`;

  function text(name: string, label: string, hint: string, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) {
    return (
      <Field label={label} name={id(name)} errors={errors[name]} hint={hint}>
        <input id={id(name)} name={name} key={value(name)} defaultValue={value(name)} autoComplete="off" spellCheck={false} autoCapitalize="none" aria-invalid={Boolean(errors[name])} className={inputClass} {...extra} />
      </Field>
    );
  }

  function security(name: string, label: string) {
    return (
      <Field label={label} name={id(name)} errors={errors[name]}>
        <select id={id(name)} name={name} key={value(name)} defaultValue={value(name)} className={inputClass}>
          {SECURITY.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </Field>
    );
  }

  return (
    <form action={formAction} noValidate className="space-y-4" aria-label="Mailbox">
      {state.message && !state.fieldErrors ? <FormMessage message={state.message} /> : null}
      {text("address", "Your address", "Mail is sent from it, and notices go to it.", { type: "email", placeholder: "me@example.com" })}
      {text("username", "User name", "What you sign in to the mail server with (often the address).")}
      <Field label="Password or app password" name={id("password")} errors={errors.password} hint={mailbox ? "Saved. Leave blank to keep it." : "Stored encrypted; never shown again. Providers with two-step sign-in want an app password."}>
        <input id={id("password")} name="password" type="password" autoComplete="new-password" spellCheck={false} aria-invalid={Boolean(errors.password)} className={inputClass} />
      </Field>
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold text-slate-800">Reading (IMAP)</legend>
        {text("imapHost", "Host", "e.g. imap.example.com")}
        {text("imapPort", "Port", "993 for TLS.", { inputMode: "numeric" })}
        {security("imapSecurity", "Security")}
      </fieldset>
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold text-slate-800">Sending (SMTP)</legend>
        {text("smtpHost", "Host", "e.g. smtp.example.com")}
        {text("smtpPort", "Port", "465 for TLS, 587 for STARTTLS.", { inputMode: "numeric" })}
        {security("smtpSecurity", "Security")}
      </fieldset>
      <fieldset>
        <legend className="text-sm font-semibold text-slate-800">Notices by mail</legend>
        <p className="text-sm text-slate-500">Sent to your address, from it. Useful where web push is not available (an iPhone without Baton installed).</p>
        {NOTICE_KINDS.map((notice) => (
          <label key={notice.kind} className="flex min-h-11 items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" name="noticeKinds" value={notice.kind} defaultChecked={kinds.includes(notice.kind)} key={`${notice.kind}-${kinds.includes(notice.kind)}`} className="size-5 rounded border-slate-300" />
            {notice.label}
          </label>
        ))}
      </fieldset>
      {state.check && (
        <ul role="status" data-testid="mailbox-check" className="space-y-1 rounded-lg border border-slate-200 bg-slate-50 px-3 py-2 text-sm">
          <li className={state.check.imap.ok ? "text-emerald-800" : "text-rose-800"}>IMAP: {state.check.imap.message}</li>
          <li className={state.check.smtp.ok ? "text-emerald-800" : "text-rose-800"}>SMTP: {state.check.smtp.message}</li>
        </ul>
      )}
      <div className="flex flex-wrap items-center gap-2">
        <button type="submit" name="intent" value="save" disabled={pending} className="min-h-11 rounded-lg bg-indigo-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-70">
          {pending ? "Working…" : mailbox ? "Save changes" : "Connect mailbox"}
        </button>
        <button type="submit" name="intent" value="test" disabled={pending} className={secondaryButtonClass}>
          Test connection
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

export function RemoveMailboxButton() {
  const { busy, error, runConfirmed } = useActionRunner();
  return (
    <div className="space-y-2">
      <button type="button" disabled={busy} className={`${secondaryButtonClass} text-rose-700`} onClick={() => runConfirmed("Disconnect this mailbox? Its saved password is erased; the mail tools and notices by mail stop.", () => removeMailboxAction())}>
        {busy ? "Disconnecting…" : "Disconnect"}
      </button>
      <ActionError message={error} />
    </div>
  );
}
