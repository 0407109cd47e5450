"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { parseModelOption } from "@/lib/agent/providers/model-option";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import type { FieldErrors } from "@/lib/errors";
import { createSchedule, deleteSchedule, runScheduleNow, setScheduleStatus, updateSchedule } from "@/lib/schedules/manage-schedules";
import { createScheduleInput, updateScheduleInput } from "@/lib/schedules/schemas";
import { parseInput } from "@/lib/http/respond";
import { actionError } from "@/lib/http/action-error";

export interface ScheduleFormValues {
  title: string;
  prompt: string;
  cron: string;
  timezone: string;
  missedRunPolicy: string;
  model: string;
  template?: string;
}

export interface ScheduleFormResult {
  message?: string;
  fieldErrors?: FieldErrors;
}

export async function saveScheduleAction(scheduleId: string | null, values: ScheduleFormValues): Promise<ScheduleFormResult> {
  const fields = { ...values, ...parseModelOption(values.model), template: values.template || undefined };
  const parsed = scheduleId ? parseInput(updateScheduleInput, fields) : parseInput(createScheduleInput, fields);
  if (!parsed.ok) return { message: "Some fields need fixing.", fieldErrors: parsed.fieldErrors };
  let id: string;
  try {
    const userId = await currentUserId();
    const saved = scheduleId ? await updateSchedule(db(), { ...parsed.data, userId, scheduleId }) : await createSchedule(db(), { ...parsed.data, userId });
    id = saved.id;
  } catch (error) {
    const appError = actionError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors };
  }
  revalidatePath("/schedules");
  redirect(`/schedules/${id}`);
}

async function attempt(run: (userId: string) => Promise<unknown>): Promise<{ error?: string }> {
  try {
    await run(await currentUserId());
    revalidatePath("/schedules", "layout");
    return {};
  } catch (error) {
    return { error: actionError(error).message };
  }
}

export async function setScheduleStatusAction(scheduleId: string, status: "active" | "paused"): Promise<{ error?: string }> {
  return attempt((userId) => setScheduleStatus(db(), { userId, scheduleId, status }));
}

export async function runScheduleNowAction(scheduleId: string): Promise<{ error?: string }> {
  return attempt((userId) => runScheduleNow({ db: db(), engine: taskDispatcher() }, { userId, scheduleId }));
}

export async function deleteScheduleAction(scheduleId: string): Promise<{ error?: string }> {
  const result = await attempt((userId) => deleteSchedule(db(), { userId, scheduleId }));
  if (!result.error) redirect("/schedules");
  return result;
}
