"use client";

import { useActionState, useState, useTransition } from "react";
import { removeModelConnectionAction, saveModelConnectionAction, testModelConnectionAction, type ModelFormState } from "@/app/models/actions";
import { Field, FormMessage, inputClass } from "@/components/form-field";
import type { ActionResult } from "@/lib/http/action-result";
import type { ProbeResult } from "@/lib/models/probe-provider";
import { DEFAULT_MODELS, type ModelProviderId } from "@/lib/models/schemas";

const buttonClass =
  "min-h-11 rounded-lg px-4 text-sm font-semibold ring-1 ring-inset ring-slate-300 text-slate-800 hover:bg-slate-50 disabled:opacity-60";

export interface ConnectionFormProps {
  provider: ModelProviderId;
  keyHint: string | null;
  baseUrl: string | null;
  model: string | null;
  saved: boolean;
}

/** Sets a provider up: its key (write-only: the saved one shows as a hint), model or server URL. */
export function ModelConnectionForm(props: ConnectionFormProps) {
  const [state, formAction, pending] = useActionState<ModelFormState, FormData>(saveModelConnectionAction, {});
  const errors = state.fieldErrors ?? {};
  const id = (name: string) => `${props.provider}-${name}`;
  const compatible = props.provider === "openai-compatible";
  const baseUrl = state.values?.baseUrl ?? props.baseUrl ?? "";
  const model = state.values?.model ?? props.model ?? (compatible ? "" : DEFAULT_MODELS[props.provider as "openai" | "anthropic"]);
  return (
    <div className="space-y-4">
      <form action={formAction} noValidate className="space-y-4" aria-label={`Set up ${props.provider}`}>
        <input type="hidden" name="provider" value={props.provider} />
        {state.message && !state.fieldErrors ? <FormMessage message={state.message} /> : null}
        {compatible && (
          <Field label="Server URL" name={id("baseUrl")} errors={errors.baseUrl} hint="Its OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (Ollama). Baton lists its models from /models.">
            <input
              id={id("baseUrl")}
              name="baseUrl"
              type="url"
              inputMode="url"
              key={baseUrl}
              defaultValue={baseUrl}
              placeholder="http://127.0.0.1:11434/v1"
              aria-invalid={Boolean(errors.baseUrl)}
              aria-describedby={errors.baseUrl ? `${id("baseUrl")}-error` : undefined}
              className={inputClass}
            />
          </Field>
        )}
        <Field
          label={compatible ? "API key (optional)" : "API key"}
          name={id("apiKey")}
          errors={errors.apiKey}
          hint={props.keyHint ? `Saved: ${props.keyHint}. Leave empty to keep it.` : "Stored encrypted; it is never shown again."}
        >
          <input
            id={id("apiKey")}
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={props.keyHint ?? (props.provider === "anthropic" ? "sk-ant-…" : "sk-…")}
            aria-invalid={Boolean(errors.apiKey)}
            aria-describedby={errors.apiKey ? `${id("apiKey")}-error` : undefined}
            className={inputClass}
          />
        </Field>
        {!compatible && (
          <Field label="Model" name={id("model")} errors={errors.model}>
            <input id={id("model")} name="model" key={model} defaultValue={model} spellCheck={false} aria-invalid={Boolean(errors.model)} className={inputClass} />
          </Field>
        )}
        <div className="flex flex-wrap items-center gap-2">
          <button type="submit" disabled={pending} className="min-h-11 rounded-lg bg-indigo-600 px-4 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 disabled:opacity-70">
            {pending ? (compatible ? "Asking the server…" : "Saving…") : "Save"}
          </button>
          {state.saved && !pending && (
            <p role="status" className="text-sm text-emerald-700">
              Saved. New tasks can use it now.
            </p>
          )}
        </div>
      </form>
      {props.saved && <ConnectionTools provider={props.provider} removable />}
    </div>
  );
}

/** "Test connection" (one real call, the provider's answer shown as it came) and, for the page's own setup, "Remove". */
/** A test that could not run (signed out, not the owner) reads like a failed test. */
function probeOutcome(result: ActionResult<ProbeResult>): ProbeResult {
  return result.ok ? result.value : { ok: false, message: result.message };
}

export function ConnectionTools({ provider, removable }: { provider: ModelProviderId; removable: boolean }) {
  const [result, setResult] = useState<ProbeResult | null>(null);
  const [testing, startTest] = useTransition();
  const [removing, startRemove] = useTransition();
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={testing} className={buttonClass} onClick={() => startTest(async () => setResult(probeOutcome(await testModelConnectionAction(provider))))}>
          {testing ? "Testing…" : "Test connection"}
        </button>
        {removable && (
          <button
            type="button"
            disabled={removing}
            className={`${buttonClass} text-rose-700`}
            onClick={() =>
              startRemove(async () => {
                const removed = await removeModelConnectionAction(provider);
                setResult(removed.ok ? null : { ok: false, message: removed.message });
              })
            }
          >
            Remove
          </button>
        )}
      </div>
      {result && (
        <p
          role={result.ok ? "status" : "alert"}
          data-testid={`${provider}-test-result`}
          className={`rounded-lg px-3 py-2 text-sm break-words ${result.ok ? "bg-emerald-50 text-emerald-900" : "bg-rose-50 text-rose-800"}`}
        >
          {result.message}
        </p>
      )}
    </div>
  );
}
