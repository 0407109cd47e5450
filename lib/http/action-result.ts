// What every server action returns (server-action.ts), in a module the browser may import.
import type { FieldErrors } from "@/lib/errors";

export interface ActionFailure {
  ok: false;
  message: string;
  fieldErrors?: FieldErrors;
}

export type ActionResult<T = undefined> = { ok: true; value: T } | ActionFailure;

/** What a form shows after an action: its message and field messages, nothing when it went through. */
export function failureOf<T>(result: ActionResult<T>): Partial<ActionFailure> {
  return result.ok ? {} : { message: result.message, fieldErrors: result.fieldErrors };
}
