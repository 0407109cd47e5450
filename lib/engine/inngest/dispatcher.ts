// The web side's view of the Inngest engine: it sends events and never runs a workflow itself.
// Each event has an id derived from what it asks for, so Inngest drops a repeat (for 24 hours),
// and a signal is recorded in Postgres before its event goes out (see signal-store.ts).
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db";
import type { NotificationRequest } from "@/lib/push/notification-request";
import { SIGNAL_CANCEL, type TaskDispatcher } from "../port";
import { notificationEventId, NOTIFICATION_REQUESTED_EVENT, RUN_REQUESTED_EVENT, RUN_SIGNAL_EVENT, runRequestedEventId, signalEventId } from "./names";
import { recordSignal, unreadSignals } from "./signal-store";
import { inngestSettings } from "./settings";
import { inngest } from "@/inngest/client";

export interface OutgoingEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
}

/** Sends events to Inngest (the client's `send`; a test's in-process server). */
export type SendEvents = (events: OutgoingEvent[]) => Promise<unknown>;

export class InngestDispatcher implements TaskDispatcher {
  constructor(private readonly deps: { db: Db; send: SendEvents }) {}

  async startRun(runId: string, options?: { delayMs?: number }): Promise<void> {
    const delayMs = options?.delayMs ?? 0;
    const startAt = delayMs > 0 ? new Date(Date.now() + delayMs).toISOString() : undefined;
    await this.deps.send([{ id: runRequestedEventId(runId), name: RUN_REQUESTED_EVENT, data: { runId, ...(startAt ? { startAt } : {}) } }]);
  }

  async signal(runId: string, topic: string, payload: unknown, idempotencyKey?: string): Promise<void> {
    const key = idempotencyKey ?? randomUUID();
    // A cancel is matched by the run's cancelOn from the moment the run exists, so it needs no
    // keeping; every other signal is kept until a wait reads it.
    if (topic !== SIGNAL_CANCEL) await recordSignal(this.deps.db, { runId, topic, payload, key });
    await this.deps.send([{ id: signalEventId(key), name: RUN_SIGNAL_EVENT, data: { runId, topic, payload, key } }]);
  }

  async deliverNotification(notification: NotificationRequest): Promise<void> {
    await this.deps.send([{ id: notificationEventId(notification.id), name: NOTIFICATION_REQUESTED_EVENT, data: { ...notification } }]);
  }

  /**
   * Sends the events of signals still unread after `olderThanMs` again, under a new event id: the
   * wait they were meant for began just after the first one went out. Returns how many.
   */
  async redeliverUnreadSignals(options: { olderThanMs: number; limit: number }): Promise<number> {
    const unread = await unreadSignals(this.deps.db, options);
    if (unread.length === 0) return 0;
    const attempt = Math.floor(Date.now() / options.olderThanMs);
    await this.deps.send(
      unread.map((signal) => ({
        id: `${signalEventId(signal.key)}-again-${attempt}`,
        name: RUN_SIGNAL_EVENT,
        data: { runId: signal.runId, topic: signal.topic, payload: signal.payload, key: signal.key },
      })),
    );
    return unread.length;
  }
}

/** The dispatcher of a web server or worker on the Inngest engine, once its settings check out. */
export function createInngestDispatcher(db: Db): InngestDispatcher {
  inngestSettings();
  return new InngestDispatcher({ db, send: (events) => inngest.send(events) });
}
