// What the change feed announces, on the server (with the owner, to route it) and in the browser
// (without). One schema for both ends, so a field the feed's query adds is read the same everywhere.
import { z } from "zod";
import { TASK_STATUSES } from "@/lib/tasks/status";

/** The notification channel for changes no polled table covers (announceChange); see change-feed.ts. */
export const CHANGES_CHANNEL = "baton_changes";

// The feed's json_build_object serializes timestamp(3) columns, which carry no zone; Baton writes them in UTC.
const utcTimestamp = z.string().transform((text, ctx) => {
  const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(date.getTime())) {
    ctx.addIssue({ code: "custom", message: "Not a timestamp." });
    return z.NEVER;
  }
  return date.toISOString();
});

const taskChange = z.object({ kind: z.literal("task"), taskId: z.string(), status: z.enum(TASK_STATUSES), title: z.string(), updatedAt: utcTimestamp });
const eventChange = z.object({ kind: z.literal("event"), taskId: z.string(), eventId: z.string() });
/** A pairing code was redeemed: the device that showed it can say who joined. */
const pairingChange = z.object({ kind: z.literal("pairing"), pairingId: z.string(), deviceName: z.string() });

export const liveChangeSchema = z.discriminatedUnion("kind", [taskChange, eventChange, pairingChange]);
export type LiveChange = z.infer<typeof liveChangeSchema>;
export type TaskChange = z.infer<typeof taskChange>;

export const ownedChangeSchema = z.discriminatedUnion("kind", [
  taskChange.extend({ userId: z.string() }),
  eventChange.extend({ userId: z.string().nullable() }),
  pairingChange.extend({ userId: z.string() }),
]);
export type OwnedChange = z.infer<typeof ownedChangeSchema>;
