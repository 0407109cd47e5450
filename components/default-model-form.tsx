"use client";

import { useActionState } from "react";
import { setDefaultModelAction, type ModelFormState } from "@/app/models/actions";
import { Field, inputClass } from "@/components/form-field";
import { ModelOptions } from "@/components/model-options";
import { modelOptionValue } from "@/lib/agent/providers/model-option";
import type { ModelChoice } from "@/lib/agent/providers/registry";

/** The model new tasks get unless they name one. */
export function DefaultModelForm({ models }: { models: ModelChoice[] }) {
  const [state, formAction, pending] = useActionState<ModelFormState, FormData>(setDefaultModelAction, {});
  const current = models[0] ? modelOptionValue(models[0]) : undefined;
  return (
    <form action={formAction} className="flex flex-col gap-3 sm:flex-row sm:items-end">
      <div className="grow">
        <Field label="Default model for new tasks" name="default-model" errors={state.fieldErrors?.model ?? (state.message && !state.saved ? [state.message] : undefined)}>
          <select id="default-model" name="model" key={current} defaultValue={current} className={inputClass}>
            <ModelOptions models={models} />
          </select>
        </Field>
      </div>
      <button type="submit" disabled={pending} className="min-h-11 rounded-lg bg-indigo-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-70">
        {pending ? "Saving…" : "Use this model"}
      </button>
    </form>
  );
}
