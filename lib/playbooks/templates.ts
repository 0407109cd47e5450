// {{name}} templates in playbook strings. A parameter's value is text the model or a task gave, so
// rendering encodes it for where it lands; a credential placeholder is never rendered at all: it
// stays a marker the executor resolves inside the page, so no string Baton builds holds a secret.

export const CREDENTIAL_FIELDS = ["username", "password", "totp"] as const;
export type CredentialField = (typeof CREDENTIAL_FIELDS)[number];

export type TemplatePart = { literal: string } | { parameter: string } | { credential: CredentialField };

export type TemplateParse = { ok: true; parts: TemplatePart[] } | { ok: false; error: string };

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

export function parseTemplate(text: string): TemplateParse {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ literal: text.slice(last, match.index) });
    const name = match[1]!;
    const credential = /^credential\.(.*)$/.exec(name);
    if (credential) {
      const field = CREDENTIAL_FIELDS.find((candidate) => candidate === credential[1]);
      if (!field) return { ok: false, error: `{{${name}}} is not a credential field (${CREDENTIAL_FIELDS.map((f) => `credential.${f}`).join(", ")})` };
      parts.push({ credential: field });
    } else if (/^[a-z][A-Za-z0-9_]*$/.test(name)) {
      parts.push({ parameter: name });
    } else {
      return { ok: false, error: `{{${name}}} is not a parameter name` };
    }
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ literal: text.slice(last) });
  const stray = parts.find((part) => "literal" in part && /\{\{|\}\}/.test(part.literal));
  if (stray) return { ok: false, error: "has an unclosed {{ or a stray }}" };
  return { ok: true, parts };
}

export function parametersIn(parts: readonly TemplatePart[]): string[] {
  return parts.flatMap((part) => ("parameter" in part ? [part.parameter] : []));
}

export function credentialIn(parts: readonly TemplatePart[]): CredentialField | undefined {
  for (const part of parts) if ("credential" in part) return part.credential;
  return undefined;
}

/** The text before the first placeholder: what a file fixes, whatever the parameters are. */
export function literalPrefix(parts: readonly TemplatePart[]): string {
  const first = parts[0];
  return first && "literal" in first ? first.literal : "";
}

/** Joins the parts, each parameter's value passed through `encode`; credential parts are refused by the caller before this. */
export function renderParts(parts: readonly TemplatePart[], values: Readonly<Record<string, string>>, encode: (value: string) => string = (value) => value): string {
  return parts
    .map((part) => {
      if ("literal" in part) return part.literal;
      if ("parameter" in part) return encode(values[part.parameter] ?? "");
      throw new Error("A credential placeholder cannot be rendered into text");
    })
    .join("");
}
