// How route handlers turn domain results and errors into HTTP responses.
import type { z } from "zod";
import { AppError, toAppError, type FieldErrors } from "@/lib/errors";
import { redactSecrets } from "@/lib/redact";

export function errorResponse(error: unknown): Response {
  const appError = toAppError(error);
  if (appError.code === "INTERNAL" || appError.code === "UNAVAILABLE") {
    const cause = appError.cause instanceof Error ? appError.cause.message : String(appError.cause);
    // Prisma's messages quote the calling code over several lines; the last line says what failed.
    const summary = cause.trim().split("\n").at(-1) ?? "";
    console.error(`[api] ${appError.code}: ${redactSecrets(summary)}`);
  }
  return Response.json(
    { error: { code: appError.code, message: appError.message, ...(appError.fieldErrors ? { fieldErrors: appError.fieldErrors } : {}) } },
    { status: appError.status, headers: appError.code === "UNAVAILABLE" ? { "retry-after": "5" } : undefined },
  );
}

/** Runs a handler and maps anything it throws to a JSON error with the right status. */
export async function respond(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    return errorResponse(error);
  }
}

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, message = "Some fields need fixing."): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError("BAD_REQUEST", { message, fieldErrors: fieldErrorsOf(result.error) });
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
  try {
    return await request.json();
  } catch (cause) {
    throw new AppError("BAD_REQUEST", { message: "The body is not valid JSON.", cause });
  }
}
