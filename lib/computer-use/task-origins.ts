// The origins a task lets computer use open, given by the person with the task. Each is an http(s)
// origin that the admin's rules let Baton reach; every use_browser call of the task's runs is held
// to them: the origins a call names are cut down to these (the model cannot widen them), and the
// browser runtime refuses and records every navigation, redirect, popup and download elsewhere.
// Pure (zod and URL only): the new-task form's client code imports the schema through lib/tasks;
// the admin's side of the check is lib/browser's originOutsideAdminRules.
import { z } from "zod";

export const MAX_TASK_ORIGINS = 10;

const ORIGIN_HINT = "an origin such as https://portal.example.com (scheme, host and port, no path)";

/** Why a value is not an origin, or null when it is one. */
function originProblem(value: string): string | null {
  if (!URL.canParse(value)) return `"${value}" is not ${ORIGIN_HINT}.`;
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") return `"${value}": only http and https sites can be opened.`;
  if (url.username || url.password) return `"${value}": leave the sign-in out of the address (save it as a credential).`;
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) return `"${value}" has a path: use ${ORIGIN_HINT}.`;
  return null;
}

/**
 * The field as the API (an array) or the form (one origin per line) sends it: origins, normalized
 * (https://Portal.Example.com/ is https://portal.example.com) and each once. Errors name the value.
 */
export const browserOriginsInput = z.preprocess(
  (value) => (typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value === null ? undefined : value),
  z
    .array(z.string({ message: "List each origin as text." }).trim().max(300, "Keep each origin under 300 characters."), { message: "List the origins as an array of text." })
    .max(MAX_TASK_ORIGINS, `List at most ${MAX_TASK_ORIGINS} origins.`)
    .superRefine((values, ctx) => {
      for (const value of values) {
        const problem = originProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }
    })
    .transform((values) => [...new Set(values.map((value) => new URL(value).origin))])
    .optional(),
);

/** The origins a call may open on a task with its own list: those of the call's within the task's, and the ones left out. */
export function holdToTaskOrigins(callOrigins: readonly string[], taskOrigins: readonly string[]): { origins: string[]; leftOut: string[] } {
  if (taskOrigins.length === 0) return { origins: [...callOrigins], leftOut: [] };
  return { origins: callOrigins.filter((origin) => taskOrigins.includes(origin)), leftOut: callOrigins.filter((origin) => !taskOrigins.includes(origin)) };
}
