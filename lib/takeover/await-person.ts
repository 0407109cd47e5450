// The seam between the computer-use loop and phone takeover: the loop calls awaitPerson when the
// model asks for a person or the task page asks to take over, and goes on when it returns. The
// request and the push are steps; attaching the live view is not, so a replay after a worker
// restart attaches the restored page on the new worker. The wait is the link's 10 minutes, and
// goes on (up to WHILE_DRIVING_MS more) while a person holds the browser.
import type { Db } from "@/lib/db";
import type { DurableContext } from "@/lib/engine/port";
import type { NotificationRequest } from "@/lib/push/notification-request";
import { attachLiveView, detachLiveView } from "./live-relay";
import { TAKEOVER_LINK_TTL_MS } from "./takeover-links";
import { endTakeover, recordTakeoverRequest, takeoverIsActive } from "./takeovers";

export const TAKEOVER_REQUEST_TOPIC = "takeover-request";
export const TAKEOVER_DONE_TOPIC = "takeover-done";
/** Each takeover wakes only its own wait: a late hand-back of an earlier one in the run cannot end a later one. */
export const takeoverDoneTopic = (takeoverId: string) => `${TAKEOVER_DONE_TOPIC}-${takeoverId}`;
/** How long a takeover link lives (issue 14): nobody opening it in time ends the wait. */
export const TAKEOVER_TTL_MS = TAKEOVER_LINK_TTL_MS;
/** How long a person who opened the link may drive before the agent stops waiting. */
export const WHILE_DRIVING_MS = 30 * 60_000;

const DB_STEP = { retries: 3 };

export type PersonOutcome = { outcome: "handed-back"; note: string } | { outcome: "expired" } | { outcome: "canceled" };

export interface AwaitPersonDeps {
  db: Db;
  /** Starts the "Baton needs you" push; without it the person finds the takeover on the task page. */
  notify?: (notification: NotificationRequest) => Promise<void>;
}

type Done = { note?: unknown; canceled?: unknown };

export async function awaitPerson(
  ctx: DurableContext,
  deps: AwaitPersonDeps,
  params: { taskId: string; runId: string; userId: string; key: string; reason: string },
): Promise<PersonOutcome> {
  const { db } = deps;
  const takeover = await ctx.step(
    `takeover-ask-${params.key}`,
    async () => {
      const row = await recordTakeoverRequest(db, { ...params, expiresAt: new Date(Date.now() + TAKEOVER_TTL_MS + WHILE_DRIVING_MS) });
      return { id: row.id };
    },
    DB_STEP,
  );
  if (deps.notify) {
    const notify = deps.notify;
    await ctx.step(`takeover-push-${params.key}`, () =>
      notify({ id: `takeover-${takeover.id}`, kind: "takeover", userId: params.userId, taskId: params.taskId, takeoverId: takeover.id }).catch(() => undefined),
    );
  }
  // Not a step: on a replay in another worker (which restored the page first) the relay re-attaches.
  await attachLiveView(db, { takeoverId: takeover.id, runId: params.runId });
  try {
    let done = await ctx.waitForSignal<Done>(takeoverDoneTopic(takeover.id), { timeoutMs: TAKEOVER_TTL_MS });
    if (done === null && (await ctx.step(`takeover-held-${params.key}`, () => takeoverIsActive(db, takeover.id), DB_STEP))) {
      done = await ctx.waitForSignal<Done>(takeoverDoneTopic(takeover.id), { timeoutMs: WHILE_DRIVING_MS });
    }
    if (done === null || done.canceled === true) {
      const status = done === null ? "expired" : "canceled";
      await ctx.step(`takeover-end-${params.key}`, () => endTakeover(db, { takeoverId: takeover.id, status }), DB_STEP);
      return { outcome: status };
    }
    return { outcome: "handed-back", note: typeof done.note === "string" ? done.note.slice(0, 2_000) : "" };
  } finally {
    detachLiveView(takeover.id);
  }
}
