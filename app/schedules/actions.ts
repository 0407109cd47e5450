"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { parseModelOption } from "@/lib/agent/providers/model-option";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { parsedUserAction, userAction, type ActionResult } from "@/lib/http/server-action";
import { createSchedule, deleteSchedule, runScheduleNow, setScheduleStatus, updateSchedule } from "@/lib/schedules/manage-schedules";
import { createScheduleInput, updateScheduleInput } from "@/lib/schedules/schemas";

export interface ScheduleFormValues {
  title: string;
  prompt: string;
  cron: string;
  timezone: string;
  missedRunPolicy: string;
  planFirst: boolean;
  model: string;
  template?: string;
}

export async function saveScheduleAction(scheduleId: string | null, values: ScheduleFormValues): Promise<ActionResult> {
  const fields = { ...values, ...parseModelOption(values.model), template: values.template || undefined };
  return scheduleId
    ? parsedUserAction("update schedule", updateScheduleInput, fields, async (data, user) => {
        await updateSchedule(db(), { ...data, userId: user.id, scheduleId });
        opened(scheduleId);
      })
    : parsedUserAction("create schedule", createScheduleInput, fields, async (data, user) => {
        opened((await createSchedule(db(), { ...data, userId: user.id })).id);
      });
}

function opened(scheduleId: string): never {
  revalidatePath("/schedules");
  redirect(`/schedules/${scheduleId}`);
}

function scheduleAction(where: string, work: (userId: string) => Promise<unknown>): Promise<ActionResult> {
  return userAction(where, async (user) => {
    await work(user.id);
    revalidatePath("/schedules", "layout");
    return undefined;
  });
}

export async function setScheduleStatusAction(scheduleId: string, status: "active" | "paused"): Promise<ActionResult> {
  return scheduleAction("set schedule status", (userId) => setScheduleStatus(db(), { userId, scheduleId, status }));
}

export async function runScheduleNowAction(scheduleId: string): Promise<ActionResult> {
  return scheduleAction("run schedule now", (userId) => runScheduleNow({ db: db(), engine: taskDispatcher() }, { userId, scheduleId }));
}

export async function deleteScheduleAction(scheduleId: string): Promise<ActionResult> {
  const result = await scheduleAction("delete schedule", (userId) => deleteSchedule(db(), { userId, scheduleId }));
  if (result.ok) redirect("/schedules");
  return result;
}
