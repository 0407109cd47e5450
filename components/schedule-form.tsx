"use client";

import { useMemo, useState, useSyncExternalStore } from "react";
import { saveScheduleAction, type ScheduleFormValues } from "@/app/schedules/actions";
import { failureOf, type ActionFailure } from "@/lib/http/action-result";
import { LocalTime, useReaderClock } from "@/components/local-time";
import { ModelOptions } from "@/components/model-options";
import { CharacterCount, Field, FormMessage, inputClass, primaryButtonClass } from "@/components/form-field";
import { modelOptionValue } from "@/lib/agent/providers/model-option";
import type { ModelChoice } from "@/lib/agent/providers/registry";
import { cronProblem, isTimeZone, nextRunTimes, SCHEDULE_PRESETS } from "@/lib/schedules/schedule-time";
import { fillTemplatePrompt, type ScheduleTemplate } from "@/lib/schedules/templates";
import { PROMPT_MAX_CHARS } from "@/lib/tasks/schemas";

const CUSTOM = "custom";

interface ScheduleFormProps {
  scheduleId?: string;
  initial?: Partial<ScheduleFormValues>;
  template?: ScheduleTemplate;
  /** What the template's fields start with (the demo sources). */
  templateDefaults?: Record<string, string>;
  models: ModelChoice[];
}

/** Create or edit a schedule, seeing the next five runs in its time zone before saving. */
export function ScheduleForm({ scheduleId, initial, template, templateDefaults = {}, models }: ScheduleFormProps) {
  const [result, setResult] = useState<Partial<ActionFailure>>({});
  const [pending, setPending] = useState(false);
  const [title, setTitle] = useState(initial?.title ?? template?.title ?? "");
  const [fields, setFields] = useState<Record<string, string>>(templateDefaults);
  const [prompt, setPrompt] = useState(initial?.prompt ?? (template ? fillTemplatePrompt(template, templateDefaults) : ""));
  const [promptEdited, setPromptEdited] = useState(Boolean(initial?.prompt));
  const [cron, setCron] = useState(initial?.cron ?? template?.cron ?? SCHEDULE_PRESETS[0].cron);
  const [customCron, setCustomCron] = useState(() => !SCHEDULE_PRESETS.some((preset) => preset.cron === cron));
  // A new schedule starts in the reader's own time zone.
  const readerZone = useReaderClock().timeZone;
  const [chosenZone, setTimezone] = useState<string | null>(initial?.timezone ?? null);
  const timezone = chosenZone ?? readerZone;
  const [missedRunPolicy, setMissedRunPolicy] = useState(initial?.missedRunPolicy ?? "run_latest");
  const [planFirst, setPlanFirst] = useState(initial?.planFirst ?? false);
  const [model, setModel] = useState(initial?.model ?? (models[0] ? modelOptionValue(models[0]) : ""));

  const setField = (name: string, value: string) => {
    const next = { ...fields, [name]: value };
    setFields(next);
    if (template && !promptEdited) setPrompt(fillTemplatePrompt(template, next));
  };

  const preview = useMemo(() => {
    const cronError = cronProblem(cron);
    const zoneError = isTimeZone(timezone) ? null : "Use an IANA time zone such as Europe/Berlin or America/New_York.";
    if (cronError || zoneError) return { cronError, zoneError, runs: [] as string[] };
    return { cronError, zoneError, runs: nextRunTimes({ cron, timezone }, new Date(), 5).map((date) => date.toISOString()) };
  }, [cron, timezone]);

  async function submit() {
    const missing = template?.fields.filter((field) => field.required && !fields[field.name]?.trim() && !promptEdited) ?? [];
    if (missing.length && !scheduleId) {
      setResult({ message: "Some fields need fixing.", fieldErrors: Object.fromEntries(missing.map((field) => [`field-${field.name}`, [`Fill in “${field.label}”.`]])) });
      return;
    }
    setPending(true);
    const outcome = await saveScheduleAction(scheduleId ?? null, { title, prompt, cron, timezone, missedRunPolicy, planFirst, model, template: template?.id });
    // On success the action redirects; only a refusal comes back.
    setResult(failureOf(outcome));
    setPending(false);
  }

  const errors = result.fieldErrors ?? {};
  // Submitted by hand, not as a form action: React resets a form after its action, which put the
  // "When" menu back on its first preset while the custom cron field stayed.
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
      <Field label="Title" name="title" errors={errors.title}>
        <input id="title" dir="auto" value={title} onChange={(event) => setTitle(event.target.value)} maxLength={200} className={inputClass} aria-invalid={Boolean(errors.title)} />
      </Field>
      {template && !scheduleId &&
        template.fields.map((field) => (
          <Field key={field.name} label={field.label} name={`field-${field.name}`} hint={field.hint} errors={errors[`field-${field.name}`]}>
            <textarea
              id={`field-${field.name}`}
              rows={2}
              value={fields[field.name] ?? ""}
              placeholder={field.placeholder}
              onChange={(event) => setField(field.name, event.target.value)}
              className={`${inputClass} font-mono text-sm`}
            />
          </Field>
        ))}
      <Field label="What should Baton do each time?" name="prompt" errors={errors.prompt} hint={template ? `Filled in from the template; uses ${template.tools.join(", ")}.` : undefined}>
        <textarea
          id="prompt"
          rows={template ? 9 : 5}
          dir="auto"
          value={prompt}
          onChange={(event) => {
            setPrompt(event.target.value);
            setPromptEdited(true);
          }}
          className={inputClass}
          aria-invalid={Boolean(errors.prompt)}
          aria-describedby="prompt-length"
        />
        <CharacterCount id="prompt-length" length={prompt.length} max={PROMPT_MAX_CHARS} />
      </Field>
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="When" name="when" errors={errors.cron ?? (preview.cronError ? [preview.cronError] : undefined)}>
          <select
            id="when"
            value={customCron ? CUSTOM : cron}
            onChange={(event) => {
              const custom = event.target.value === CUSTOM;
              setCustomCron(custom);
              if (!custom) setCron(event.target.value);
            }}
            className={inputClass}
          >
            {SCHEDULE_PRESETS.map((preset) => (
              <option key={preset.id} value={preset.cron}>
                {preset.label}
              </option>
            ))}
            <option value={CUSTOM}>Custom (cron expression)…</option>
          </select>
          {customCron && (
            <input
              id="cron"
              aria-label="Cron expression"
              value={cron}
              onChange={(event) => setCron(event.target.value)}
              placeholder="0 7 * * 1-5"
              spellCheck={false}
              className={`${inputClass} font-mono`}
              aria-invalid={Boolean(preview.cronError)}
            />
          )}
        </Field>
        <Field label="Time zone" name="timezone" errors={errors.timezone ?? (preview.zoneError ? [preview.zoneError] : undefined)}>
          <input id="timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)} list="timezones" spellCheck={false} className={inputClass} aria-invalid={Boolean(preview.zoneError)} />
          <TimeZoneOptions />
        </Field>
      </div>
      <section aria-labelledby="preview-heading" className="rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200" data-testid="next-runs">
        <h2 id="preview-heading" className="text-sm font-medium text-slate-700">
          Next runs
        </h2>
        {preview.runs.length ? (
          <ol className="mt-1 space-y-0.5 text-sm text-slate-900">
            {preview.runs.map((run) => (
              <li key={run}>
                <LocalTime iso={run} timeZone={timezone} />
              </li>
            ))}
          </ol>
        ) : (
          <p className="mt-1 text-sm text-slate-500">Fix the time above to see when it runs.</p>
        )}
      </section>
      <div className="grid gap-5 sm:grid-cols-2">
        <fieldset>
          <legend className="block text-sm font-medium text-slate-700">If Baton was down at a run time</legend>
          {[
            ["run_latest", "Run the latest missed one once, on start"],
            ["skip", "Skip missed runs"],
          ].map(([value, label]) => (
            <label key={value} className="flex min-h-11 items-center gap-2 text-sm">
              <input type="radio" name="missedRunPolicy" value={value} checked={missedRunPolicy === value} onChange={() => setMissedRunPolicy(value!)} className="size-4 accent-indigo-600" />
              {label}
            </label>
          ))}
        </fieldset>
        <Field label="Model" name="model" errors={errors.model}>
          <select id="model" value={model} onChange={(event) => setModel(event.target.value)} className={inputClass}>
            <ModelOptions models={models} />
          </select>
        </Field>
      </div>
      <label className="flex min-h-11 items-start gap-2 text-sm text-slate-800">
        <input type="checkbox" checked={planFirst} onChange={(event) => setPlanFirst(event.target.checked)} className="mt-0.5 size-4 accent-indigo-600" />
        <span>
          Show me a plan first, each time
          <span className="block text-slate-500">Each run starts by proposing its steps and tools; nothing runs until you approve or edit the plan.</span>
        </span>
      </label>
      <button type="submit" disabled={pending} className={`${primaryButtonClass} sm:w-auto`}>
        {pending ? "Saving…" : scheduleId ? "Save changes" : "Create schedule"}
      </button>
    </form>
  );
}

const subscribeToNothing = () => () => {};
let zoneList: string[] | undefined;
const allTimeZones = () => (zoneList ??= Intl.supportedValuesOf("timeZone"));
const noZones: string[] = [];

function TimeZoneOptions() {
  const zones = useSyncExternalStore(subscribeToNothing, allTimeZones, () => noZones);
  return (
    <datalist id="timezones">
      {zones.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}
