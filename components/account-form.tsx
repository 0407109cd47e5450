"use client";

import { useState } from "react";
import { goTo, signInWith } from "@/components/credentials-sign-in";
import { Field, FormMessage, inputClass, keepingValues, primaryButtonClass } from "@/components/form-field";
import type { ActionFailure, ActionResult } from "@/lib/http/action-result";

interface AccountFormProps {
  /** Creates the account; on success this browser signs in with the new password. */
  create: (input: { name: string; email: string; password: string }) => Promise<ActionResult>;
  /** An invitation fixes the email address. */
  fixedEmail?: string;
  submitLabel: string;
}

/** Name, email and password for a new account: the owner's at setup, or an invited person's. */
export function AccountForm({ create, fixedEmail, submitLabel }: AccountFormProps) {
  const [state, setState] = useState<Partial<ActionFailure>>({});
  const [pending, setPending] = useState(false);
  const errors = state.fieldErrors ?? {};

  async function submit(form: FormData) {
    setPending(true);
    const input = { name: String(form.get("name") ?? ""), email: fixedEmail ?? String(form.get("email") ?? ""), password: String(form.get("password") ?? "") };
    const result = await create(input);
    if (!result.ok) {
      setState(result);
      setPending(false);
      return;
    }
    const refusal = await signInWith("password", { email: input.email, password: input.password });
    if (refusal) {
      setState({ message: `Your account is ready, but signing in failed: ${refusal}` });
      setPending(false);
    } else goTo("/");
  }

  return (
    <form onSubmit={keepingValues(submit)} noValidate className="space-y-5">
      <FormMessage message={state.message} />
      <Field label="Your name" name="name" errors={errors.name}>
        <input id="name" name="name" autoComplete="name" aria-invalid={Boolean(errors.name)} className={inputClass} />
      </Field>
      {fixedEmail ? (
        <p className="text-sm text-slate-600">
          Email: <span className="font-medium text-slate-900">{fixedEmail}</span>
        </p>
      ) : (
        <Field label="Email" name="email" errors={errors.email}>
          <input id="email" name="email" type="email" autoComplete="username" aria-invalid={Boolean(errors.email)} className={inputClass} />
        </Field>
      )}
      <Field label="Password" name="password" errors={errors.password} hint="At least 10 characters.">
        <input id="password" name="password" type="password" autoComplete="new-password" aria-invalid={Boolean(errors.password)} className={inputClass} />
      </Field>
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        {pending ? "One moment…" : submitLabel}
      </button>
    </form>
  );
}
