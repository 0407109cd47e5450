"use client";

import { useActionState } from "react";
import { inviteAction, type InviteState } from "@/app/people/actions";
import { Field, FormMessage, inputClass } from "@/components/form-field";

export function InviteForm() {
  const [state, formAction, pending] = useActionState<InviteState, FormData>(inviteAction, {});
  return (
    <form action={formAction} noValidate className="space-y-4 pb-4">
      <FormMessage message={state.message} />
      <Field label="Their email" name="email" errors={state.fieldErrors?.email}>
        <input id="email" name="email" type="email" required defaultValue={state.email} key={state.email} aria-invalid={Boolean(state.fieldErrors?.email)} className={inputClass} />
      </Field>
      <button type="submit" disabled={pending} className="inline-flex min-h-11 items-center justify-center rounded-lg bg-indigo-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-70">
        {pending ? "Creating…" : "Create invitation link"}
      </button>
      {state.link && (
        <div className="rounded-lg border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900">
          <p>Send this link to them. It works once, for 7 days, and is shown only now:</p>
          <input readOnly value={state.link} aria-label="Invitation link" onFocus={(event) => event.target.select()} className={`${inputClass} font-mono text-sm`} />
        </div>
      )}
    </form>
  );
}
