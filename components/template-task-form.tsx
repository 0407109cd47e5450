"use client";

import { useActionState, useEffect, useState } from "react";
import { createTemplateTaskAction, type TemplateTaskFormState } from "@/app/tasks/actions";
import { ModelOptions } from "@/components/model-options";
import { Field, FormMessage, inputClass, primaryButtonClass } from "@/components/form-field";
import type { ModelChoice } from "@/lib/agent/providers/registry";

export interface TemplateFormField {
  name: string;
  label: string;
  hint: string;
  placeholder: string;
  /** Many lines (an issue's pasted text). */
  multiline?: boolean;
  initialValue?: string;
}

/** A task template's fields; the server validates them and puts each message under its field. */
export function TemplateTaskForm(props: { templateId: string; fields: readonly TemplateFormField[]; models: ModelChoice[] }) {
  const [state, formAction, pending] = useActionState<TemplateTaskFormState, FormData>(createTemplateTaskAction, {});
  // One key per form: a double submit cannot start a second handoff.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const errors = state.fieldErrors ?? {};
  // After a refused submit, go to the first field that needs fixing (a screen below on a phone).
  useEffect(() => {
    const invalid = props.fields.find((field) => state.fieldErrors?.[field.name]?.length);
    if (invalid) document.getElementById(invalid.name)?.focus();
    else if (state.message) document.getElementById("form-message")?.scrollIntoView({ block: "center" });
  }, [state, props.fields]);

  return (
    <form action={formAction} noValidate className="space-y-5" aria-describedby={state.message ? "form-message" : undefined}>
      <input type="hidden" name="templateId" value={props.templateId} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <FormMessage message={state.message} />
      {props.fields.map((field) => {
        const common = {
          id: field.name,
          name: field.name,
          defaultValue: state.values?.[field.name] ?? field.initialValue,
          placeholder: field.placeholder,
          dir: "auto",
          "aria-invalid": Boolean(errors[field.name]),
          "aria-describedby": errors[field.name] ? `${field.name}-error` : undefined,
          className: inputClass,
        };
        return (
          <Field key={field.name} label={field.label} name={field.name} errors={errors[field.name]} hint={field.hint}>
            {field.multiline ? <textarea rows={5} {...common} /> : <input autoCapitalize="off" autoCorrect="off" spellCheck={false} {...common} />}
          </Field>
        );
      })}
      <Field label="Model" name="model" errors={errors.model}>
        <select id="model" name="model" defaultValue={state.values?.model} className={inputClass}>
          <ModelOptions models={props.models} />
        </select>
      </Field>
      <button type="submit" disabled={pending} className={`${primaryButtonClass} sm:w-auto`}>
        {pending ? "Handing it over…" : "Start task"}
      </button>
    </form>
  );
}
