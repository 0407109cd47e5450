// Names shared by the Inngest functions and the web side's dispatcher. Like DBOS's names they are
// part of the durable history: Inngest matches waits, cancellations and runs on them, so renaming
// one strands runs already under way.
export const INNGEST_APP_ID = "baton";

/** A run should start (data: { runId, startAt? }). */
export const RUN_REQUESTED_EVENT = "baton/run.requested";
/** A message for a run's workflow (data: { runId, topic, payload, key? }). */
export const RUN_SIGNAL_EVENT = "baton/run.signal";
/** A push notification should be delivered (data: a NotificationRequest). */
export const NOTIFICATION_REQUESTED_EVENT = "baton/notification.requested";
/** Inngest's own event after it cancels a run (data: { function_id, run_id, event }). */
export const FUNCTION_CANCELLED_EVENT = "inngest/function.cancelled";

export const RUN_TASK_FUNCTION = "run-task";
export const RUN_CANCELED_FUNCTION = "run-canceled";
export const SCHEDULE_TICK_FUNCTION = "schedule-tick";
export const DELIVER_NOTIFICATION_FUNCTION = "deliver-notification";

/** How Inngest names a function across apps: the app id and the function id, hyphenated. */
export const qualifiedFunctionId = (functionId: string) => `${INNGEST_APP_ID}-${functionId}`;

/**
 * Inngest retries per function, not per step: every function allows this many retries and the
 * durable context stops a step earlier when the port's StepOptions allow fewer. It is the most
 * any step of the workflows asks for (database steps, 10).
 */
export const MAX_STEP_RETRIES = 10;

/** Events are deduplicated by id (for 24 hours); these make dispatching idempotent as on DBOS. */
export const runRequestedEventId = (runId: string) => `run-${runId}`;
export const signalEventId = (key: string) => `signal-${key}`;
export const notificationEventId = (notificationId: string) => `notification-${notificationId}`;

/** The CEL expression a wait uses to match one run's signals on one topic. */
export function signalMatch(runId: string, topic: string): string {
  return `async.data.runId == ${JSON.stringify(runId)} && async.data.topic == ${JSON.stringify(topic)}`;
}
