// A playbook with its parameters filled in: what the executor runs and what approvals show. Values
// come from a task or the model, so each is checked against its declared type, encoded for where
// it lands (URL, selector, file name), and credential placeholders stay markers, never text.
import type { RiskClass } from "@/lib/tools/types";
import { numberFromInput } from "@/lib/validation/input";
import { resolveStepUrl } from "./playbook-urls";
import { isDate, isMonth, isSafeFileName, matchesWhole, type Playbook, type PlaybookAction, type PlaybookParameter } from "./schema";
import { mapStepStrings } from "./step-fields";
import { credentialIn, parametersIn, parseTemplate, renderParts, type CredentialField } from "./templates";

/** What a fill types: text, or a marker the executor replaces with the secret inside the page. */
export type FillValue = { text: string } | { credential: { name: string; field: CredentialField } };

type FillAction = Extract<PlaybookAction, { type: "fill" }>;
export type BoundAction = Exclude<PlaybookAction, { type: "fill" }> | (Omit<FillAction, "value"> & { value: FillValue });

export interface BoundStep {
  /** Zero-based, as highImpactSteps counts. */
  index: number;
  intent: string;
  risk: RiskClass;
  action: BoundAction;
}

export interface BoundPlaybook {
  id: string;
  title: string;
  version: number;
  origins: string[];
  credential?: string;
  /** The values used, as text, defaults included. */
  parameters: Record<string, string>;
  steps: BoundStep[];
}

export type BindResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Characters a value may bring into a selector without changing what it selects. */
const SELECTOR_SAFE = /^[A-Za-z0-9_.:-]*$/;

export function bindParameters(playbook: Playbook, given: Readonly<Record<string, unknown>>): BindResult<Record<string, string>> {
  const names = Object.keys(playbook.parameters);
  const errors = Object.keys(given)
    .filter((name) => !names.includes(name))
    .map((name) => `parameter ${name} is not one of this playbook's parameters (${names.length > 0 ? names.join(", ") : "it takes none"})`);
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(playbook.parameters)) {
    const value = given[name] ?? parameter.default;
    if (value === undefined || value === "") {
      if (parameter.required) errors.push(`parameter ${name} is required (${expected(parameter)})`);
      else values[name] = "";
      continue;
    }
    const checked = checkValue(parameter, value);
    if (checked === undefined) errors.push(`parameter ${name} must be ${expected(parameter)} (got ${JSON.stringify(value)})`);
    else values[name] = checked;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: values };
}

/** How the model and error messages are told what a parameter takes. */
export function expected(parameter: PlaybookParameter): string {
  switch (parameter.type) {
    case "string":
      return parameter.pattern ? `text matching ${parameter.pattern}` : "text";
    case "number":
      return "a number";
    case "date":
      return "a date like 2026-09-30";
    case "month":
      return "a month like 2026-09";
    case "enum":
      return `one of ${parameter.values.join(", ")}`;
  }
}

function checkValue(parameter: PlaybookParameter, value: unknown): string | undefined {
  if (parameter.type === "number") {
    const number = numberFromInput(value);
    return typeof number === "number" && Number.isFinite(number) ? String(number) : undefined;
  }
  if (typeof value !== "string" || value.length > 1000) return undefined;
  switch (parameter.type) {
    case "string":
      return !parameter.pattern || matchesWhole(parameter.pattern, value) ? value : undefined;
    case "date":
      return isDate(value) ? value : undefined;
    case "month":
      return isMonth(value) ? value : undefined;
    case "enum":
      return parameter.values.includes(value) ? value : undefined;
  }
}

export function bindPlaybook(playbook: Playbook, given: Readonly<Record<string, unknown>>): BindResult<BoundPlaybook> {
  const bound = bindParameters(playbook, given);
  if (!bound.ok) return bound;
  const values = bound.value;
  const errors: string[] = [];
  const steps = playbook.steps.map((step, index): BoundStep => {
    const { intent, action } = mapStepStrings(step, ({ path, kind, template }) => {
      const fail = (message: string) => {
        errors.push(`step ${index + 1} (${step.intent}): ${path} ${message}`);
        return template;
      };
      // Validation parsed every template already; a playbook that skipped it fails here, not in the page.
      const parsed = parseTemplate(template);
      if (!parsed.ok) return fail(parsed.error);
      const credential = credentialIn(parsed.parts);
      if (credential) {
        if (kind !== "fillValue" || !playbook.credential) return fail("uses a credential placeholder outside a fill's value");
        return { credential: { name: playbook.credential, field: credential } } satisfies FillValue;
      }
      if (kind === "selector") {
        const unsafe = parametersIn(parsed.parts).find((name) => !SELECTOR_SAFE.test(values[name] ?? ""));
        if (unsafe) return fail(`cannot take {{${unsafe}}} = ${JSON.stringify(values[unsafe])}: a selector takes only letters, digits and . _ : -`);
      }
      const rendered = renderParts(parsed.parts, values, kind === "url" ? encodeURIComponent : undefined);
      if (kind === "url") {
        const resolved = resolveStepUrl(rendered, playbook.origins);
        return resolved.ok ? resolved.url : fail(resolved.error);
      }
      if ((kind === "fileName" || kind === "csvFileName") && !isSafeFileName(rendered)) return fail(`${rendered} is not a safe file name`);
      return kind === "fillValue" ? ({ text: rendered } satisfies FillValue) : rendered;
    });
    // mapStepStrings kept the action's shape and replaced only strings, fill's value by a FillValue.
    return { index, intent: String(intent), risk: step.risk, action: action as BoundAction };
  });
  if (errors.length > 0) return { ok: false, errors };
  const { id, title, version, origins, credential } = playbook;
  return { ok: true, value: { id, title, version, origins, ...(credential ? { credential } : {}), parameters: values, steps } };
}
