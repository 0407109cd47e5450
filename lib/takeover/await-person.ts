// The seam between the computer-use loop and phone takeover: the loop calls awaitPerson when the
// model asks for a person or the task page asks to take over, and goes on when it returns. This is
// the minimal version the loop needs (a durable wait on the "takeover-done" signal, with a
// timeout); the takeover work (lib/takeover, app/takeover) replaces it with the link, the push and
// the live view, keeping this signature.
import type { DurableContext } from "@/lib/engine/port";
import type { Db } from "@/lib/db";
import { appendStepEvent } from "@/lib/tasks/timeline";

export const TAKEOVER_REQUEST_TOPIC = "takeover-request";
export const TAKEOVER_DONE_TOPIC = "takeover-done";
/** How long a takeover link lives (issue 14): the agent's wait ends with it. */
export const TAKEOVER_TTL_MS = 10 * 60_000;

export type PersonOutcome = { outcome: "handed-back"; note: string } | { outcome: "expired" } | { outcome: "canceled" };

export async function awaitPerson(
  ctx: DurableContext,
  deps: { db: Db },
  params: { taskId: string; runId: string; userId: string; key: string; reason: string },
): Promise<PersonOutcome> {
  await ctx.step(`takeover-ask-${params.key}`, () =>
    appendStepEvent(deps.db, { taskId: params.taskId, runId: params.runId, stepKey: `takeover-ask-${params.key}`, type: "takeover.requested", actor: "agent", message: `Baton needs you: ${params.reason}`.slice(0, 500) }),
  );
  const done = await ctx.waitForSignal<{ note?: unknown; canceled?: unknown }>(TAKEOVER_DONE_TOPIC, { timeoutMs: TAKEOVER_TTL_MS });
  if (done === null) return { outcome: "expired" };
  if (done.canceled === true) return { outcome: "canceled" };
  return { outcome: "handed-back", note: typeof done.note === "string" ? done.note.slice(0, 2_000) : "" };
}
