"use client";

import { useActionState } from "react";
import { setPolicyRuleAction } from "@/app/settings/actions";

const choices = [
  { value: "allow", label: "Allow" },
  { value: "ask", label: "Ask me" },
  { value: "deny", label: "Deny" },
];

/** One policy rule as a row of choices; picking one saves it. */
export function PolicyRuleForm(props: { scope: "class" | "tool"; ruleKey: string; label: string; hint?: string; decision: string; canReset: boolean }) {
  const [state, action, pending] = useActionState(setPolicyRuleAction, {});
  return (
    <form action={action} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between">
      <input type="hidden" name="scope" value={props.scope} />
      <input type="hidden" name="key" value={props.ruleKey} />
      <div>
        <p className="font-medium text-slate-900">{props.label}</p>
        {props.hint && <p className="text-sm text-slate-600">{props.hint}</p>}
        {state.message && <p role="alert" className="text-sm text-rose-700">{state.message}</p>}
      </div>
      <div className="flex shrink-0 gap-1" role="group" aria-label={`Policy for ${props.label}`}>
        {choices.map((choice) => (
          <button
            key={choice.value}
            type="submit"
            name="decision"
            value={choice.value}
            disabled={pending}
            aria-pressed={props.decision === choice.value}
            className="inline-flex min-h-11 items-center justify-center min-w-11 rounded-lg px-3 py-1.5 text-sm ring-1 ring-slate-300 ring-inset aria-pressed:bg-indigo-600 aria-pressed:text-white aria-pressed:ring-indigo-600 disabled:opacity-60"
          >
            {choice.label}
          </button>
        ))}
        {props.canReset && (
          <button type="submit" name="decision" value="default" disabled={pending} className="inline-flex min-h-11 items-center justify-center min-w-11 rounded-lg px-3 py-1.5 text-sm text-slate-600 underline">
            Reset
          </button>
        )}
      </div>
    </form>
  );
}
