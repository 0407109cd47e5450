// Every string of a step is a template; what a field is decides how its parameters are checked and
// encoded. One walk, used by validation (before any parameter is known) and by binding (with them).
import type { PlaybookAction, PlaybookStep } from "./schema";

/** url: must stay inside the origins. selector: values must not change what it selects. fillValue: the only place for credentials. */
export type FieldKind = "text" | "url" | "selector" | "fileName" | "csvFileName" | "fillValue";

export interface StepField {
  /** As a reader finds it in the file, e.g. "url", "click.selector", "intent". */
  path: string;
  kind: FieldKind;
  template: string;
}

function kindOf(type: PlaybookAction["type"], key: string): FieldKind | undefined {
  if (key === "type" || key === "role") return undefined;
  if (key === "url") return "url";
  if (key === "selector") return "selector";
  if (key === "saveAs") return type === "extractTable" ? "csvFileName" : "fileName";
  if (type === "fill" && key === "value") return "fillValue";
  return "text";
}

/** Rebuilds the step's intent and action with each string field replaced by `render(field)`; numbers and the action's type stay. */
export function mapStepStrings(step: PlaybookStep, render: (field: StepField) => unknown): { intent: unknown; action: Record<string, unknown> } {
  const map = (value: object, prefix: string): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (typeof inner === "string") {
          const kind = kindOf(step.action.type, key);
          return [key, kind ? render({ path: prefix + key, kind, template: inner }) : inner];
        }
        if (inner && typeof inner === "object") return [key, map(inner, `${prefix}${key}.`)];
        return [key, inner];
      }),
    );
  return { intent: render({ path: "intent", kind: "text", template: step.intent }), action: map(step.action, "") };
}

export function stepFields(step: PlaybookStep): StepField[] {
  const fields: StepField[] = [];
  mapStepStrings(step, (field) => fields.push(field));
  return fields;
}
