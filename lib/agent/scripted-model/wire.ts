// Pieces the three scripted wire formats share: loose zod schemas for the parts they read, and
// an error that each API renders in its own shape.
import { createHash } from "node:crypto";
import { z } from "zod";

/** Message content: a string, or parts of which only the text is read. */
export const textContent = z.union([z.string(), z.array(z.looseObject({ type: z.string().optional(), text: z.string().optional() }))]);

export function textOf(content: z.infer<typeof textContent> | null | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => part.text ?? "").join("");
}

/** A request the scripted model refuses; rendered as the API's own error body. */
export class ScriptedApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** OpenAI's machine-readable code, e.g. "invalid_api_key". */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = "ScriptedApiError";
  }
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScriptedApiError(400, "invalid_request_error", `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}
