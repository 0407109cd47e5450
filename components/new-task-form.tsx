"use client";

import { useActionState, useEffect, useState } from "react";
import { createTaskAction, type CreateTaskFormState } from "@/app/tasks/actions";
import { ModelOptions } from "@/components/model-options";
import { CharacterCount, Field, FormMessage, inputClass } from "@/components/form-field";
import type { ModelChoice } from "@/lib/agent/providers/registry";
import { PROMPT_MAX_CHARS } from "@/lib/tasks/schemas";

// Field error keys in the order the fields appear, with the id of the control each belongs to.
const FIELD_ORDER = [
  ["title", "title"],
  ["prompt", "prompt"],
  ["model", "model"],
  ["runAt", "runAtLocal"],
  ["browserOrigins", "browserOrigins"],
] as const;

/** `computerUse`: the person's policy lets computer use start (allow or ask), so the task may name the sites it opens. */
export function NewTaskForm({ models, computerUse = false }: { models: ModelChoice[]; computerUse?: boolean }) {
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
  // The prompt's length as typed; a refused submit puts back what was sent, and its length with it.
  const [typed, setTyped] = useState({ state, length: state.values?.prompt.length ?? 0 });
  const promptLength = typed.state === state ? typed.length : (state.values?.prompt.length ?? 0);
  const errors = state.fieldErrors ?? {};
  const runAtIso = runAtLocal ? toIso(runAtLocal) : "";

  return (
    <form action={formAction} noValidate className="space-y-5" aria-describedby={state.message ? "form-message" : undefined}>
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <input type="hidden" name="runAt" value={runAtIso} />
      <FormMessage message={state.message} />
      <Field label="Title" name="title" errors={errors.title}>
        <input
          id="title"
          name="title"
          defaultValue={state.values?.title}
          maxLength={200}
          dir="auto"
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
          dir="auto"
          defaultValue={state.values?.prompt}
          onChange={(event) => setTyped({ state, length: event.target.value.length })}
          placeholder="Summarize today's support issues and my calendar into a short brief."
          aria-invalid={Boolean(errors.prompt)}
          aria-describedby={errors.prompt ? "prompt-error prompt-length" : "prompt-length"}
          className={inputClass}
        />
        <CharacterCount id="prompt-length" length={promptLength} max={PROMPT_MAX_CHARS} />
      </Field>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Model" name="model" errors={errors.model}>
          <select id="model" name="model" defaultValue={state.values?.model} className={inputClass}>
            <ModelOptions models={models} />
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
      {computerUse ? (
        <Field
          label="Sites the browser may open (optional)"
          name="browserOrigins"
          errors={errors.browserOrigins}
          hint="One origin per line, like https://portal.example.com. When computer use runs for this task it opens these and nothing else; empty lets each browser call name its own."
        >
          <textarea
            id="browserOrigins"
            name="browserOrigins"
            rows={3}
            dir="auto"
            defaultValue={state.values?.browserOrigins}
            placeholder="https://portal.example.com"
            aria-invalid={Boolean(errors.browserOrigins)}
            aria-describedby={errors.browserOrigins ? "browserOrigins-error" : undefined}
            className={inputClass}
          />
        </Field>
      ) : null}
      <label className="flex min-h-11 items-start gap-2 text-sm text-slate-800">
        <input type="checkbox" name="planFirst" defaultChecked={state.values?.planFirst} className="mt-0.5 size-4 accent-indigo-600" />
        <span>
          Show me a plan first
          <span className="block text-slate-500">The agent starts by proposing its steps and tools; nothing runs until you approve or edit the plan.</span>
        </span>
      </label>
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

/** datetime-local has no zone: read it in the browser's zone and send an absolute time. */
function toIso(local: string): string {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}
