// What the workflow asks the push pipeline to announce. Small and free of content: the delivery
// reads titles and links from the database, scoped to the user, when it runs.
import { z } from "zod";

export const notificationKinds = ["approval", "completed", "failed", "schedule", "takeover"] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const notificationRequest = z.object({
  /** Stable per event (e.g. "approval-<approvalId>"): delivering twice is a no-op. */
  id: z.string().min(1).max(200),
  kind: z.enum(notificationKinds),
  userId: z.uuid(),
  taskId: z.uuid().optional(),
  approvalId: z.uuid().optional(),
  scheduleId: z.uuid().optional(),
  takeoverId: z.uuid().optional(),
});

export type NotificationRequest = z.infer<typeof notificationRequest>;

/** The subscription kinds that take a notification: a takeover asks like an approval does, so devices that take approvals take it too. */
export function subscribedKinds(kind: string): string[] {
  return kind === "takeover" ? ["takeover", "approval"] : [kind];
}
