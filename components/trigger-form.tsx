"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { saveTriggerAction, type TriggerFormValues } from "@/app/triggers/actions";
import { CharacterCount, Field, FormMessage, inputClass, primaryButtonClass } from "@/components/form-field";
import { ModelOptions } from "@/components/model-options";
import { SecretOnce } from "@/components/secret-once";
import { modelOptionValue } from "@/lib/agent/providers/model-option";
import type { ModelChoice } from "@/lib/agent/providers/registry";
import { failureOf, type ActionFailure } from "@/lib/http/action-result";
import { PROMPT_MAX_CHARS } from "@/lib/tasks/schemas";

interface TriggerFormProps {
  triggerId?: string;
  kind: TriggerFormValues["kind"];
  initial?: Partial<TriggerFormValues>;
  models: ModelChoice[];
  /** The connected mailbox's address a mail trigger reads; null when none is connected. */
  mailbox?: string | null;
}

/** Create or edit a trigger; a new webhook's secret is shown once, here, before moving on. */
export function TriggerForm({ triggerId, kind, initial, models, mailbox = null }: TriggerFormProps) {
  const router = useRouter();
  const [result, setResult] = useState<Partial<ActionFailure>>({});
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const [values, setValues] = useState<TriggerFormValues>({
    kind,
    name: initial?.name ?? "",
    prompt: initial?.prompt ?? "",
    model: initial?.model ?? (models[0] ? modelOptionValue(models[0]) : ""),
    rateLimitPerMinute: initial?.rateLimitPerMinute ?? "30",
    askBeforeActing: initial?.askBeforeActing ?? true,
    planFirst: initial?.planFirst ?? false,
    dedupeHeader: initial?.dedupeHeader ?? "X-Baton-Event-Id",
    dedupeField: initial?.dedupeField ?? "",
    feedUrl: initial?.feedUrl ?? "",
    pollIntervalSeconds: initial?.pollIntervalSeconds ?? "300",
    calendarUrl: initial?.calendarUrl ?? "",
    leadMinutes: initial?.leadMinutes ?? "30",
    mailFolder: initial?.mailFolder ?? "INBOX",
    mailFrom: initial?.mailFrom ?? "",
    mailSubject: initial?.mailSubject ?? "",
    mailUnreadOnly: initial?.mailUnreadOnly ?? false,
  });
  const set = <K extends keyof TriggerFormValues>(name: K, value: TriggerFormValues[K]) => setValues((current) => ({ ...current, [name]: value }));

  async function submit() {
    setPending(true);
    const outcome = await saveTriggerAction(triggerId ?? null, values);
    setPending(false);
    setResult(failureOf(outcome));
    if (!outcome.ok) return;
    if (outcome.value.secret) setCreated({ id: outcome.value.id, secret: outcome.value.secret });
    else router.push(`/triggers/${outcome.value.id}`);
  }

  if (created) {
    return (
      <div className="space-y-4">
        <p className="text-sm text-slate-700">The webhook is ready. Senders sign each delivery with this secret (the trigger&apos;s page shows how).</p>
        <SecretOnce secret={created.secret} />
        <Link href={`/triggers/${created.id}`} className={`${primaryButtonClass} inline-block text-center sm:w-auto`}>
          Open the trigger
        </Link>
      </div>
    );
  }

  const errors = result.fieldErrors ?? {};
  return (
    <form
      noValidate
      className="space-y-5"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <FormMessage message={result.message} />
      <Field label="Name" name="name" errors={errors.name}>
        <input id="name" dir="auto" value={values.name} onChange={(event) => set("name", event.target.value)} maxLength={200} className={inputClass} aria-invalid={Boolean(errors.name)} />
      </Field>
      <Field label="What should Baton do with each event?" name="prompt" errors={errors.prompt} hint="The event is added after these instructions, quoted as data: what it says is never taken as an instruction.">
        <textarea id="prompt" rows={5} dir="auto" value={values.prompt} onChange={(event) => set("prompt", event.target.value)} className={inputClass} aria-invalid={Boolean(errors.prompt)} aria-describedby="prompt-length" />
        <CharacterCount id="prompt-length" length={values.prompt.length} max={PROMPT_MAX_CHARS} />
      </Field>
      {kind === "webhook" ? (
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Dedupe header" name="dedupeHeader" errors={errors.dedupeHeader} hint="Deliveries with the same value are one event.">
            <input id="dedupeHeader" value={values.dedupeHeader} onChange={(event) => set("dedupeHeader", event.target.value)} spellCheck={false} className={`${inputClass} font-mono`} />
          </Field>
          <Field label="Or a JSON field (optional)" name="dedupeField" errors={errors.dedupeField} hint='Wins over the header, e.g. "id" or "data.object.id".'>
            <input id="dedupeField" value={values.dedupeField} onChange={(event) => set("dedupeField", event.target.value)} spellCheck={false} placeholder="id" className={`${inputClass} font-mono`} />
          </Field>
        </div>
      ) : kind === "mail" ? (
        <div className="space-y-5">
          {mailbox ? (
            <p className="text-sm text-slate-700">
              Reads <span className="font-medium text-slate-900">{mailbox}</span>, the mailbox connected under{" "}
              <Link href="/mail" className="inline-flex min-h-11 min-w-11 items-center justify-center font-medium text-indigo-700 underline">
                Mail
              </Link>
              . Mail already there when the trigger first checks starts nothing; nothing is marked as read.
            </p>
          ) : (
            <p data-testid="no-mailbox" className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              No mailbox is connected yet.{" "}
              <Link href="/mail" className="inline-flex min-h-11 items-center font-medium underline">
                Connect one under Mail
              </Link>{" "}
              first: this trigger reads it.
            </p>
          )}
          <div className="grid gap-5 sm:grid-cols-[2fr_1fr]">
            <Field label="Folder" name="mailFolder" errors={errors.mailFolder}>
              <input id="mailFolder" value={values.mailFolder} onChange={(event) => set("mailFolder", event.target.value)} spellCheck={false} placeholder="INBOX" className={inputClass} aria-invalid={Boolean(errors.mailFolder)} />
            </Field>
            <Field label="Check every (seconds)" name="pollIntervalSeconds" errors={errors.pollIntervalSeconds}>
              <input id="pollIntervalSeconds" inputMode="numeric" value={values.pollIntervalSeconds} onChange={(event) => set("pollIntervalSeconds", event.target.value)} className={inputClass} />
            </Field>
          </div>
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="From contains (optional)" name="mailFrom" errors={errors.mailFrom} hint="Part of the sender's name or address, e.g. billing@ or Acme.">
              <input id="mailFrom" dir="auto" value={values.mailFrom} onChange={(event) => set("mailFrom", event.target.value)} spellCheck={false} className={inputClass} aria-invalid={Boolean(errors.mailFrom)} />
            </Field>
            <Field label="Subject contains (optional)" name="mailSubject" errors={errors.mailSubject} hint="Not case-sensitive.">
              <input id="mailSubject" dir="auto" value={values.mailSubject} onChange={(event) => set("mailSubject", event.target.value)} className={inputClass} aria-invalid={Boolean(errors.mailSubject)} />
            </Field>
          </div>
          <label className="flex min-h-11 items-start gap-2 text-sm text-slate-800">
            <input id="mailUnreadOnly" type="checkbox" checked={values.mailUnreadOnly} onChange={(event) => set("mailUnreadOnly", event.target.checked)} className="mt-0.5 size-4 accent-indigo-600" />
            <span>
              Unread mail only
              <span className="block text-slate-500">A mail you already read (elsewhere) before Baton checks starts nothing.</span>
            </span>
          </label>
        </div>
      ) : kind === "calendar" ? (
        <div className="grid gap-5 sm:grid-cols-[2fr_1fr_1fr]">
          <Field label="Calendar URL (.ics)" name="calendarUrl" errors={errors.calendarUrl}>
            <input id="calendarUrl" type="url" inputMode="url" value={values.calendarUrl} onChange={(event) => set("calendarUrl", event.target.value)} spellCheck={false} placeholder="https://calendar.example/team.ics" className={inputClass} aria-invalid={Boolean(errors.calendarUrl)} />
          </Field>
          <Field label="Minutes before it starts" name="leadMinutes" errors={errors.leadMinutes}>
            <input id="leadMinutes" inputMode="numeric" value={values.leadMinutes} onChange={(event) => set("leadMinutes", event.target.value)} className={inputClass} />
          </Field>
          <Field label="Check every (seconds)" name="pollIntervalSeconds" errors={errors.pollIntervalSeconds}>
            <input id="pollIntervalSeconds" inputMode="numeric" value={values.pollIntervalSeconds} onChange={(event) => set("pollIntervalSeconds", event.target.value)} className={inputClass} />
          </Field>
        </div>
      ) : (
        <div className="grid gap-5 sm:grid-cols-[2fr_1fr]">
          <Field label="Feed URL (RSS or Atom)" name="feedUrl" errors={errors.feedUrl}>
            <input id="feedUrl" type="url" inputMode="url" value={values.feedUrl} onChange={(event) => set("feedUrl", event.target.value)} spellCheck={false} placeholder="https://blog.example/feed.xml" className={inputClass} aria-invalid={Boolean(errors.feedUrl)} />
          </Field>
          <Field label="Check every (seconds)" name="pollIntervalSeconds" errors={errors.pollIntervalSeconds}>
            <input id="pollIntervalSeconds" inputMode="numeric" value={values.pollIntervalSeconds} onChange={(event) => set("pollIntervalSeconds", event.target.value)} className={inputClass} />
          </Field>
        </div>
      )}
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="At most this many tasks a minute" name="rateLimitPerMinute" errors={errors.rateLimitPerMinute} hint="Events over it are counted and not run.">
          <input id="rateLimitPerMinute" inputMode="numeric" value={values.rateLimitPerMinute} onChange={(event) => set("rateLimitPerMinute", event.target.value)} className={inputClass} />
        </Field>
        <Field label="Model" name="model" errors={errors.model}>
          <select id="model" value={values.model} onChange={(event) => set("model", event.target.value)} className={inputClass}>
            <ModelOptions models={models} />
          </select>
        </Field>
      </div>
      <label className="flex min-h-11 items-start gap-2 text-sm text-slate-800">
        <input type="checkbox" checked={values.askBeforeActing} onChange={(event) => set("askBeforeActing", event.target.checked)} className="mt-0.5 size-4 accent-indigo-600" />
        <span>
          Ask me before its tasks act elsewhere or delete anything
          <span className="block text-slate-500">Recommended: these tasks start from what someone else sent. Overrides an “allow” in your policy.</span>
        </span>
      </label>
      <label className="flex min-h-11 items-start gap-2 text-sm text-slate-800">
        <input type="checkbox" checked={values.planFirst} onChange={(event) => set("planFirst", event.target.checked)} className="mt-0.5 size-4 accent-indigo-600" />
        <span>
          Show me a plan first
          <span className="block text-slate-500">Each task starts by proposing its steps and tools; nothing runs until you approve or edit the plan.</span>
        </span>
      </label>
      <button type="submit" disabled={pending} className={`${primaryButtonClass} sm:w-auto`}>
        {pending ? "Saving…" : triggerId ? "Save changes" : "Create trigger"}
      </button>
    </form>
  );
}
