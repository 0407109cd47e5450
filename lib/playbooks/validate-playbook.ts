// Turns a parsed file into a Playbook or into sentences a person can act on, each pointing at the
// step by number and intent: "step 3 (Open the invoice list): url https://evil.example/ is outside
// the playbook's origins (...)". Everything decidable from the file is decided here, before any run.
import type { z } from "zod";
import { urlTemplateProblem } from "./playbook-urls";
import { ACTION_TYPES, isSafeFileName, matchesWhole, playbookSchema, type Playbook, type PlaybookParameter } from "./schema";
import { stepFields } from "./step-fields";
import { credentialIn, parametersIn, parseTemplate, renderParts } from "./templates";

export type PlaybookParse = { ok: true; playbook: Playbook } | { ok: false; errors: string[] };

type Path = readonly PropertyKey[];
interface Problem {
  path: Path;
  /** Written to follow the field's name: "must be ...", "uses ...". */
  message: string;
}

export function parsePlaybook(raw: unknown): PlaybookParse {
  const parsed = playbookSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => describeProblem(raw, { path: issue.path, message: phrase(issue) })) };
  const problems = [...parameterProblems(parsed.data), ...stepProblems(parsed.data)];
  if (problems.length > 0) return { ok: false, errors: problems.map((problem) => describeProblem(raw, problem)) };
  return { ok: true, playbook: parsed.data };
}

function phrase(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is missing" : `must be ${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "unrecognized_keys": {
      const unknown = `has unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
      return isStepPath(issue.path) && issue.path.length === 2 ? `${unknown} (a step has intent, risk and one action: ${ACTION_TYPES.join(", ")})` : unknown;
    }
    case "invalid_key":
      return issue.issues.map((inner) => inner.message).join("; ");
    case "invalid_value":
      return `${issue.message} (got ${JSON.stringify(issue.input)})`;
    case "too_small":
      return issue.origin === "string" && Number(issue.minimum) === 1 ? "must not be empty" : issue.message;
    default:
      return issue.message;
  }
}

function describeProblem(raw: unknown, { path, message }: Problem): string {
  let where = "";
  let field: Path = path;
  if (isStepPath(path)) {
    const intent = intentAt(raw, path[1]);
    where = `step ${path[1] + 1}${intent ? ` (${intent})` : ""}`;
    const actionKey = ACTION_TYPES.some((type) => type === path[2]);
    field = path.slice(actionKey && path.length > 3 ? 3 : 2);
  } else if (path[0] === "parameters" && path.length > 1) {
    where = `parameter ${String(path[1])}`;
    field = path.slice(2);
  }
  const name = field.map((key, index) => (typeof key === "number" ? `[${key}]` : `${index > 0 ? "." : ""}${String(key)}`)).join("");
  return [where, [name, message].filter(Boolean).join(" ")].filter(Boolean).join(": ");
}

function isStepPath(path: Path): path is readonly ["steps", number, ...PropertyKey[]] {
  return path[0] === "steps" && typeof path[1] === "number";
}

function intentAt(raw: unknown, index: number): string | undefined {
  const steps = raw && typeof raw === "object" ? (raw as { steps?: unknown }).steps : undefined;
  const step = Array.isArray(steps) ? (steps[index] as { intent?: unknown } | undefined) : undefined;
  return typeof step?.intent === "string" && step.intent.trim() ? step.intent.trim() : undefined;
}

function parameterProblems(playbook: Playbook): Problem[] {
  return Object.entries(playbook.parameters).flatMap(([name, parameter]) => {
    const problem = defaultProblem(parameter);
    return problem ? [{ path: ["parameters", name, "default"], message: problem }] : [];
  });
}

function defaultProblem(parameter: PlaybookParameter): string | undefined {
  if (parameter.default === undefined) return undefined;
  if (parameter.type === "enum" && !parameter.values.includes(parameter.default)) return `${JSON.stringify(parameter.default)} is not one of its values`;
  if (parameter.type === "string" && parameter.pattern && !matchesWhole(parameter.pattern, parameter.default)) {
    return `${JSON.stringify(parameter.default)} does not match its pattern`;
  }
  return undefined;
}

function stepProblems(playbook: Playbook): Problem[] {
  const names = Object.keys(playbook.parameters);
  const known = names.length > 0 ? `(${names.join(", ")})` : "(it has none)";
  const sample = Object.fromEntries(names.map((name) => [name, "x"]));
  return playbook.steps.flatMap((step, index) =>
    stepFields(step).flatMap(({ path, kind, template }): Problem[] => {
      const at = ["steps", index, ...(path === "intent" ? [] : [step.action.type]), ...path.split(".")];
      const problem = (message: string): Problem[] => [{ path: at, message }];
      const parsed = parseTemplate(template);
      if (!parsed.ok) return problem(parsed.error);
      const unknown = parametersIn(parsed.parts).find((name) => !names.includes(name));
      if (unknown) return problem(`uses {{${unknown}}}, which is not one of the playbook's parameters ${known}`);
      const credential = credentialIn(parsed.parts);
      if (credential) {
        const placeholder = `{{credential.${credential}}}`;
        if (kind !== "fillValue") return problem(`uses ${placeholder}: credential placeholders are allowed only in a fill's value`);
        if (parsed.parts.length !== 1) return problem(`must be ${placeholder} alone: a secret is typed as it is stored`);
        if (!playbook.credential) return problem(`uses ${placeholder} but the playbook names no credential`);
        return [];
      }
      if (kind === "url") {
        const outside = urlTemplateProblem(template, parsed.parts, playbook.origins);
        return outside ? problem(outside) : [];
      }
      if (kind === "fileName" || kind === "csvFileName") {
        if (!isSafeFileName(renderParts(parsed.parts, sample))) return problem(`${template} is not a safe file name: letters, digits, dots, hyphens and underscores, no folders`);
        if (kind === "csvFileName" && !template.toLowerCase().endsWith(".csv")) return problem(`${template} must end in .csv`);
      }
      return [];
    }),
  );
}
