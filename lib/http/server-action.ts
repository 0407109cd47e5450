// The one way a server action is written. The wrapper finds the signed-in user (a revoked session
// is sent to sign in), parses the input with zod, and turns anything thrown into one result shape
// (unexpected errors logged with their cause). Next's own control flow thrown by the work (a
// redirect after saving, notFound) passes through instead of becoming "Something went wrong".
import "server-only";
import { unstable_rethrow } from "next/navigation";
import type { z } from "zod";
import { requireUser } from "@/lib/auth/current-user";
import type { SessionUser } from "@/lib/auth/session";
import { toAppError } from "@/lib/errors";
import type { ActionResult } from "./action-result";
import { logUnexpected, parseInput } from "./respond";

export { failureOf, type ActionFailure, type ActionResult } from "./action-result";

const FIX_FIELDS = "Some fields need fixing.";

async function attempt<T>(work: () => Promise<T>, where: string): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    unstable_rethrow(error);
    const appError = toAppError(error);
    logUnexpected(appError, `action ${where}`);
    return { ok: false, message: appError.message, ...(appError.fieldErrors ? { fieldErrors: appError.fieldErrors } : {}) };
  }
}

/** Work for the signed-in user, named for the log. */
export function userAction<T>(where: string, work: (user: SessionUser) => Promise<T>): Promise<ActionResult<T>> {
  return attempt(async () => work(await requireUser()), where);
}

/** Input checked against its schema first (field messages, nothing run), then work for the signed-in user. */
export async function parsedUserAction<S extends z.ZodType, T>(
  where: string,
  schema: S,
  input: unknown,
  work: (data: z.infer<S>, user: SessionUser) => Promise<T>,
): Promise<ActionResult<T>> {
  const parsed = parseInput(schema, input);
  if (!parsed.ok) return { ok: false, message: FIX_FIELDS, fieldErrors: parsed.fieldErrors };
  return userAction(where, (user) => work(parsed.data, user));
}

/** Work whose authority is not a session: the first owner's setup, an invitation's token. */
export function publicAction<T>(where: string, work: () => Promise<T>): Promise<ActionResult<T>> {
  return attempt(work, where);
}
