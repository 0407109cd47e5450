// Where a step's URL may go. A file must write the site itself (an origin from its list, or a path
// on the first one): a parameter may fill in a path or a query but never choose the site. The
// rendered URL is checked again, so the rule holds whatever a value contains.
import { literalPrefix, type TemplatePart } from "./templates";

const AUTHORITY = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\\]*)([/?#\\]|$)/;

function outside(url: string, origins: readonly string[]): string {
  return `${url} is outside the playbook's origins (${origins.join(", ")})`;
}

/** Why a URL template could leave the origins, judged from the file alone; undefined when it cannot. */
export function urlTemplateProblem(template: string, parts: readonly TemplatePart[], origins: readonly string[]): string | undefined {
  const prefix = literalPrefix(parts);
  const templated = parts.some((part) => !("literal" in part));
  if (prefix.startsWith("/")) {
    return /^\/[/\\]/.test(prefix) ? `${template} must be a path starting with a single / or a full URL` : undefined;
  }
  const authority = AUTHORITY.exec(prefix);
  if (!authority || (authority[2] === "" && templated)) {
    return `${template} must start with one of the playbook's origins or with /: a parameter cannot choose the site`;
  }
  let origin: string;
  try {
    origin = new URL(authority[1]!).origin;
  } catch {
    return `${template} is not a valid URL`;
  }
  return origins.includes(origin) ? undefined : outside(template, origins);
}

/** The absolute URL a rendered step goes to, or why it may not. Paths are on the first origin. */
export function resolveStepUrl(rendered: string, origins: readonly string[]): { ok: true; url: string } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(rendered, origins[0]);
  } catch {
    return { ok: false, error: `${rendered} is not a valid URL` };
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !origins.includes(url.origin)) return { ok: false, error: outside(url.href, origins) };
  return { ok: true, url: url.href };
}
