// What every input is checked for before its own schema, in one place (parseInput in
// lib/http/respond.ts runs it for every route and form): text Postgres cannot store or a person
// cannot see, and JSON too deep to walk. A schema then says what its fields mean.
import { z } from "zod";
import type { FieldErrors } from "@/lib/errors";

/** JSON bodies nest at most this deep: real ones need a handful of levels. */
export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_BYTES = 1024 * 1024;

// NUL (which Postgres refuses in text), the other C0 and C1 control characters but tab, line feed
// and carriage return, and UTF-16 halves without their other half (not text at all).
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Characters that take no space: a title made only of these is empty to a reader.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

function describe(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Field errors for every string in `value` holding a forbidden character (by path), or null. */
export function forbiddenTextErrors(value: unknown): FieldErrors | null {
  const errors: FieldErrors = {};
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === "string") {
      const found = FORBIDDEN.exec(current);
      if (found) errors[path.join(".") || "_"] = [`Remove the control character (${describe(found[0])}): it cannot be stored.`];
    } else if (current && typeof current === "object" && depth < MAX_JSON_DEPTH) {
      for (const [key, inner] of Object.entries(current)) {
        if (FORBIDDEN.test(key)) errors[[...path, "_key"].join(".")] = ["Remove the control character from this key."];
        stack.push({ value: inner, path: [...path, key], depth: depth + 1 });
      }
    }
  }
  return Object.keys(errors).length > 0 ? errors : null;
}

/** How deeply `text` (JSON) nests, counted without parsing it; stops counting past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "{" || character === "[") {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (character === "}" || character === "]") depth--;
  }
  return deepest;
}

/** True when a person would see something: not only white space and invisible characters. */
export function hasVisibleText(value: string): boolean {
  return value.replace(INVISIBLE, "").trim().length > 0;
}

/**
 * A number typed in a form or sent as JSON: a number or a numeric string. Anything else (true,
 * [], {}) stays as it is, so the schema's z.number() refuses it rather than coercing true to 1.
 */
export function numberFromInput(value: unknown): unknown {
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** A title a person can see, at most 200 characters: `noun` names what it titles ("task"). */
export function titleSchema(noun: string) {
  const missing = `Give the ${noun} a title.`;
  return z.string({ message: missing }).trim().refine(hasVisibleText, missing).pipe(z.string().max(200, "Keep the title under 200 characters."));
}
