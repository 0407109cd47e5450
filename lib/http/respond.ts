// How input is parsed and errors become HTTP responses; route handlers reach these through api-route.ts.
import type { z } from "zod";
import { AppError, toAppError, type FieldErrors } from "@/lib/errors";
import { redactSecrets } from "@/lib/redact";
import { forbiddenTextErrors, jsonDepth, MAX_JSON_BYTES, MAX_JSON_DEPTH } from "@/lib/validation/input";

/** Logs what nobody meant to happen (a bug, the database away) with its cause; a refusal is not logged. */
export function logUnexpected(appError: AppError, where: string): void {
  if (appError.code !== "INTERNAL" && appError.code !== "UNAVAILABLE") return;
  const cause = appError.cause instanceof Error ? appError.cause.message : String(appError.cause);
  // Prisma's messages quote the calling code over several lines; the last line says what failed.
  const summary = cause.trim().split("\n").at(-1) ?? "";
  console.error(`[${where}] ${appError.code}: ${redactSecrets(summary)}`);
}

export function errorResponse(error: unknown, request?: Request): Response {
  const appError = toAppError(error);
  logUnexpected(appError, request ? `api ${request.method} ${new URL(request.url).pathname}` : "api");
  return Response.json(
    { error: { code: appError.code, message: appError.message, ...(appError.fieldErrors ? { fieldErrors: appError.fieldErrors } : {}) } },
    { status: appError.status, headers: appError.code === "UNAVAILABLE" ? { "retry-after": "5" } : undefined },
  );
}

export type ParsedInput<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

/**
 * The one way input is parsed, by routes and forms alike: refused first for what no field may hold
 * (lib/validation/input.ts), then checked against its schema.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): ParsedInput<z.infer<T>> {
  const forbidden = forbiddenTextErrors(input);
  if (forbidden) return { ok: false, fieldErrors: forbidden };
  const result = schema.safeParse(input);
  return result.success ? { ok: true, data: result.data } : { ok: false, fieldErrors: fieldErrorsOf(result.error) };
}

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, message = "Some fields need fixing."): z.infer<T> {
  const result = parseInput(schema, input);
  if (result.ok) return result.data;
  throw new AppError("BAD_REQUEST", { message, fieldErrors: result.fieldErrors });
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

export async function readJsonBody(request: Request): Promise<unknown> {
  if (!request.headers.get("content-type")?.toLowerCase().includes("application/json")) {
    throw new AppError("BAD_REQUEST", { message: "Send the body as JSON with Content-Type: application/json." });
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) {
    throw new AppError("BAD_REQUEST", { message: `The body is larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB.` });
  }
  return parseJsonText(text, "The body is");
}

/**
 * JSON typed or sent by a person: refused with a readable message when malformed or too deep.
 * `subject` starts the message with its verb ("The body is", "The arguments are").
 */
export function parseJsonText(text: string, subject: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new AppError("BAD_REQUEST", { message: `${subject} nested deeper than ${MAX_JSON_DEPTH} levels.` });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const detail = cause instanceof SyntaxError ? ` (${cause.message})` : "";
    throw new AppError("BAD_REQUEST", { message: `${subject} not valid JSON${detail}.`, cause });
  }
}
