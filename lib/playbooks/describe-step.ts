// One line per step for approvals and the timeline: exactly what will be clicked or typed, in
// words. It works on a bound step, whose credential fields are markers, so no secret can show.
import type { BoundAction, BoundStep, FillValue } from "./bind-playbook";
import type { ClickTarget } from "./schema";

const quote = (text: string) => `“${text}”`;

function target(click: ClickTarget): string {
  if (click.selector !== undefined) return click.selector;
  if (click.role !== undefined) return `the ${click.role} ${quote(click.name ?? "")}`;
  return quote(click.text ?? "");
}

function typed(value: FillValue): string {
  if ("text" in value) return quote(value.text);
  const { name, field } = value.credential;
  if (field === "username") return `the user name of ${name}`;
  if (field === "totp") return `a one-time code from ${name}`;
  return "••••••";
}

function describeAction(action: BoundAction): string {
  switch (action.type) {
    case "goto":
      return `Open ${action.url}`;
    case "fill":
      return `Fill ${action.label !== undefined ? quote(action.label) : action.selector} with ${typed(action.value)}`;
    case "click":
      return `Click ${target(action)}`;
    case "select":
      return `Choose ${quote(action.value)} in ${action.selector}`;
    case "waitFor": {
      const seconds = `${action.timeoutMs / 1000} s`;
      if (action.url !== undefined) return `Wait up to ${seconds} for the page ${action.url}`;
      if (action.text !== undefined) return `Wait up to ${seconds} for the text ${quote(action.text)}`;
      return `Wait up to ${seconds} for ${action.selector}`;
    }
    case "expectText":
      return `Check that ${action.selector ?? "the page"} shows ${quote(action.text)}`;
    case "download":
      return `Download ${action.saveAs} by clicking ${target(action.click)}`;
    case "extractTable":
      return `Save the table ${action.selector} as ${action.saveAs}`;
    case "screenshot":
      return `Take a screenshot ${quote(action.label)}`;
  }
}

/** "Fill “Password” with ••••••". */
export function describeStep(step: BoundStep): string {
  return describeAction(step.action);
}
