"use client";

import { useActionState, useEffect, useState } from "react";
import { createTaskAction, type CreateTaskFormState } from "@/app/tasks/actions";
import type { ModelChoice } from "@/lib/agent/providers/registry";

const inputClass =
  "mt-1 block w-full scroll-mt-20 rounded-lg border border-slate-300 bg-white px-3 py-2.5 text-base text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-200 aria-[invalid=true]:border-rose-400 aria-[invalid=true]:ring-rose-100";

// Field error keys in the order the fields appear, with the id of the control each belongs to.
const FIELD_ORDER = [
  ["title", "title"],
  ["prompt", "prompt"],
  ["model", "model"],
  ["runAt", "runAtLocal"],
] as const;

export function NewTaskForm({ models }: { models: ModelChoice[] }) {
  const [state, formAction, pending] = useActionState<CreateTaskFormState, FormData>(createTaskAction, {});
  // After a refused submit, go to what needs fixing: on a phone the button is a screen below the
  // first field, and the message at the top would stay out of sight.
  useEffect(() => {
    const invalid = FIELD_ORDER.find(([key]) => state.fieldErrors?.[key]?.length);
    if (invalid) document.getElementById(invalid[1])?.focus();
    else if (state.message) document.getElementById("form-message")?.scrollIntoView({ block: "center" });
  }, [state]);
  // One key per form: a double submit or a retried request cannot create a second task.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [runAtLocal, setRunAtLocal] = useState(state.values?.runAtLocal ?? "");
  const errors = state.fieldErrors ?? {};
  const runAtIso = runAtLocal ? toIso(runAtLocal) : "";

  return (
    <form action={formAction} noValidate className="space-y-5" aria-describedby={state.message ? "form-message" : undefined}>
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <input type="hidden" name="runAt" value={runAtIso} />
      {state.message && (
        <p id="form-message" role="alert" className="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {state.message}
        </p>
      )}
      <Field label="Title" name="title" errors={errors.title}>
        <input
          id="title"
          name="title"
          defaultValue={state.values?.title}
          maxLength={200}
          placeholder="Morning briefing"
          aria-invalid={Boolean(errors.title)}
          aria-describedby={errors.title ? "title-error" : undefined}
          className={inputClass}
        />
      </Field>
      <Field label="What should Baton do?" name="prompt" errors={errors.prompt}>
        <textarea
          id="prompt"
          name="prompt"
          rows={6}
          defaultValue={state.values?.prompt}
          placeholder="Summarize today's support issues and my calendar into a short brief."
          aria-invalid={Boolean(errors.prompt)}
          aria-describedby={errors.prompt ? "prompt-error" : undefined}
          className={inputClass}
        />
      </Field>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Model" name="model" errors={errors.model}>
          <select id="model" name="model" defaultValue={state.values?.model} className={inputClass}>
            {models.map((choice) => (
              <option key={`${choice.provider}/${choice.model}`} value={`${choice.provider}/${choice.model}`}>
                {choice.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Start later (optional)" name="runAtLocal" errors={errors.runAt} errorId="runAt-error">
          <input
            id="runAtLocal"
            name="runAtLocal"
            type="datetime-local"
            value={runAtLocal}
            onChange={(event) => setRunAtLocal(event.target.value)}
            aria-invalid={Boolean(errors.runAt)}
            aria-describedby={errors.runAt ? "runAt-error" : undefined}
            className={inputClass}
          />
        </Field>
      </div>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-lg bg-indigo-600 px-4 py-3 text-base font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:cursor-wait disabled:opacity-70 sm:w-auto"
      >
        {pending ? "Handing it over…" : runAtLocal ? "Schedule task" : "Start task"}
      </button>
    </form>
  );
}

function Field(props: { label: string; name: string; errors?: string[]; errorId?: string; children: React.ReactNode }) {
  const errorId = props.errorId ?? `${props.name}-error`;
  return (
    <div>
      <label htmlFor={props.name} className="block text-sm font-medium text-slate-700">
        {props.label}
      </label>
      {props.children}
      {props.errors?.length ? (
        <p id={errorId} className="mt-1 text-sm text-rose-700">
          {props.errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** datetime-local has no zone: read it in the browser's zone and send an absolute time. */
function toIso(local: string): string {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}
