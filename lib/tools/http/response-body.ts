// What the model sees of a response: a few useful headers and the body as parsed JSON or text.
// Binary bodies are described rather than dumped into the model's context.
import type { IncomingHttpHeaders } from "node:http";
import { decodeWith } from "../decode-text";

export type ResponseAs = "json" | "text";

const SHOWN_HEADERS = ["content-type", "content-length", "content-language", "location", "retry-after", "etag", "last-modified"];

export function shownHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const name of SHOWN_HEADERS) {
    const value = headers[name];
    if (typeof value === "string") shown[name] = value;
  }
  return shown;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function isJsonType(type: string): boolean {
  return /^(application|text)\/([\w.-]+\+)?json$/.test(type);
}

function isTextType(type: string, body: Buffer): boolean {
  if (!type) return !body.subarray(0, 1024).includes(0);
  return (
    type.startsWith("text/") ||
    isJsonType(type) ||
    /\+xml$/.test(type) ||
    /^application\/(xml|javascript|ecmascript|x-www-form-urlencoded|graphql|(x-)?yaml|x-ndjson|csv)$/.test(type)
  );
}

/** The body as text in the charset its Content-Type names, else UTF-8. */
export function decodeText(body: Buffer, contentType: string | undefined): string {
  const charset = /charset="?([\w.:-]+)/i.exec(contentType ?? "")?.[1];
  try {
    return decodeWith(new TextDecoder(charset ?? "utf-8"), body);
  } catch {
    // An unknown charset label: UTF-8 is the best guess and never throws.
    return new TextDecoder("utf-8").decode(body);
  }
}

export interface ShownBody {
  body: unknown;
  note?: string;
}

/** The body as the model should see it: parsed JSON, text, or null with a note saying why. */
export function showBody(body: Buffer, headers: IncomingHttpHeaders, as: ResponseAs | undefined, truncated: boolean): ShownBody {
  const contentType = headers["content-type"];
  const type = mediaType(contentType);
  if (body.length === 0) return { body: "" };
  if (!as && !isTextType(type, body)) {
    return { body: null, note: `Binary response (${type || "unknown type"}, ${body.length} bytes) not shown; pass as: "text" to see it as text.` };
  }
  const text = decodeText(body, contentType);
  if (as === "text" || (!as && !isJsonType(type))) return { body: text };
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    const why = truncated ? "it was cut off at the size limit" : "it is not valid JSON";
    return { body: text, note: `Could not parse the body as JSON (${why}); it is shown as text.` };
  }
}
