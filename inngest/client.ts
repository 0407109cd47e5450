// The Inngest client and the events Baton sends it, each with the zod schema the SDK validates
// event data against (on send, and when a function receives the event). Keys and mode come from
// the INNGEST_* variables, which lib/env.ts checks at start (see lib/engine/inngest/settings.ts).
import { Inngest, eventType } from "inngest";
import { z } from "zod";
import { notificationRequest } from "@/lib/push/notification-request";
import { INNGEST_APP_ID, NOTIFICATION_REQUESTED_EVENT, RUN_REQUESTED_EVENT, RUN_SIGNAL_EVENT } from "@/lib/engine/inngest/names";

export const inngest = new Inngest({ id: INNGEST_APP_ID });

export const runRequestedData = z.object({
  runId: z.uuid(),
  /** A run scheduled for later sleeps until then (ISO 8601). */
  startAt: z.iso.datetime().optional(),
});

export const runSignalData = z.object({
  runId: z.uuid(),
  topic: z.string().min(1),
  payload: z.unknown(),
  key: z.string().min(1).optional(),
});

export const runRequested = eventType(RUN_REQUESTED_EVENT, { schema: runRequestedData });
export const runSignal = eventType(RUN_SIGNAL_EVENT, { schema: runSignalData });
export const notificationRequested = eventType(NOTIFICATION_REQUESTED_EVENT, { schema: notificationRequest });
