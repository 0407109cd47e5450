"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { parseModelOption } from "@/lib/agent/providers/model-option";
import { db } from "@/lib/db";
import { parsedUserAction, userAction, type ActionResult } from "@/lib/http/server-action";
import { createTrigger, deleteTrigger, rotateTriggerSecret, setTriggerPaused, updateTrigger } from "@/lib/triggers/manage-triggers";
import { triggerInput } from "@/lib/triggers/schemas";

export interface TriggerFormValues {
  kind: "webhook" | "feed" | "calendar" | "mail";
  name: string;
  prompt: string;
  model: string;
  rateLimitPerMinute: string;
  askBeforeActing: boolean;
  planFirst: boolean;
  dedupeHeader: string;
  dedupeField: string;
  feedUrl: string;
  pollIntervalSeconds: string;
  calendarUrl: string;
  leadMinutes: string;
  mailFolder: string;
  mailFrom: string;
  mailSubject: string;
  mailUnreadOnly: boolean;
}

/** Creating answers with the new trigger's id and, for a webhook, its secret (shown once); saving an edit opens the trigger. */
export async function saveTriggerAction(triggerId: string | null, values: TriggerFormValues): Promise<ActionResult<{ id: string; secret: string | null }>> {
  const fields = { ...values, ...parseModelOption(values.model) };
  if (triggerId) {
    return parsedUserAction("update trigger", triggerInput, fields, async (data, user) => {
      await updateTrigger(db(), { ...data, userId: user.id, triggerId });
      revalidatePath("/triggers");
      redirect(`/triggers/${triggerId}`);
    });
  }
  return parsedUserAction("create trigger", triggerInput, fields, async (data, user) => {
    const { trigger, secret } = await createTrigger(db(), { ...data, userId: user.id });
    revalidatePath("/triggers");
    return { id: trigger.id, secret };
  });
}

export async function setTriggerPausedAction(triggerId: string, paused: boolean): Promise<ActionResult> {
  return userAction("pause trigger", async (user) => {
    await setTriggerPaused(db(), { userId: user.id, triggerId, paused });
    revalidatePath("/triggers", "layout");
    return undefined;
  });
}

/** The new secret, for the page to show once. */
export async function rotateTriggerSecretAction(triggerId: string): Promise<ActionResult<{ secret: string }>> {
  return userAction("rotate trigger secret", async (user) => {
    const rotated = await rotateTriggerSecret(db(), { userId: user.id, triggerId });
    revalidatePath(`/triggers/${triggerId}`);
    return rotated;
  });
}

export async function deleteTriggerAction(triggerId: string): Promise<ActionResult> {
  const result = await userAction("delete trigger", async (user) => {
    await deleteTrigger(db(), { userId: user.id, triggerId });
    revalidatePath("/triggers");
    return undefined;
  });
  if (result.ok) redirect("/triggers");
  return result;
}
