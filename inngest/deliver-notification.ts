// Delivers one push notification: the same deliverNotification workflow the DBOS worker runs,
// through the Inngest durable context (its backoff sleeps are step.sleep).
import { inngestDurableContext } from "@/lib/engine/inngest/durable-context";
import { DELIVER_NOTIFICATION_FUNCTION, MAX_STEP_RETRIES } from "@/lib/engine/inngest/names";
import { deliverNotification, type PushDeliveryDeps } from "@/lib/push/deliver-notification";
import { inngest, notificationRequested } from "./client";

export function createDeliverNotificationFunction(deps: () => Promise<PushDeliveryDeps>) {
  return inngest.createFunction(
    // Delivering a notification twice is a no-op, as its DBOS workflow id makes it there.
    { id: DELIVER_NOTIFICATION_FUNCTION, triggers: [notificationRequested], retries: MAX_STEP_RETRIES, idempotency: "event.data.id" },
    async ({ event, step, attempt }) => {
      await deliverNotification(inngestDurableContext({ step, attempt }), await deps(), event.data);
    },
  );
}
