"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import { toAppError, type FieldErrors } from "@/lib/errors";
import { fieldErrorsOf } from "@/lib/http/respond";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { retryTask } from "@/lib/tasks/retry-task";
import { createTaskInput } from "@/lib/tasks/schemas";

export interface CreateTaskFormState {
  message?: string;
  fieldErrors?: FieldErrors;
  values?: { title: string; prompt: string; runAtLocal: string; model: string };
}

export async function createTaskAction(_previous: CreateTaskFormState, form: FormData): Promise<CreateTaskFormState> {
  const text = (name: string) => String(form.get(name) ?? "");
  const values = { title: text("title"), prompt: text("prompt"), runAtLocal: text("runAtLocal"), model: text("model") };
  // "provider/model": a model name may itself contain slashes, a provider id never does.
  const slash = values.model.indexOf("/");
  const parsed = createTaskInput.safeParse({
    title: values.title,
    prompt: values.prompt,
    runAt: text("runAt"),
    provider: slash > 0 ? values.model.slice(0, slash) : undefined,
    model: slash > 0 ? values.model.slice(slash + 1) : undefined,
  });
  if (!parsed.success) return { message: "Some fields need fixing.", fieldErrors: fieldErrorsOf(parsed.error), values };

  let taskId: string;
  try {
    const { task } = await createTask(
      { db: db(), engine: taskDispatcher() },
      { ...parsed.data, userId: await currentUserId(), idempotencyKey: text("idempotencyKey") || undefined },
    );
    taskId = task.id;
  } catch (error) {
    const appError = toAppError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors, values };
  }
  redirect(`/tasks/${taskId}`);
}

export async function cancelTaskAction(taskId: string): Promise<{ error?: string }> {
  return runTaskAction(taskId, (userId) => cancelTask({ db: db(), engine: taskDispatcher() }, { userId, taskId }));
}

export async function retryTaskAction(taskId: string): Promise<{ error?: string }> {
  return runTaskAction(taskId, (userId) => retryTask({ db: db(), engine: taskDispatcher() }, { userId, taskId }));
}

async function runTaskAction(taskId: string, action: (userId: string) => Promise<unknown>): Promise<{ error?: string }> {
  try {
    await action(await currentUserId());
  } catch (error) {
    return { error: toAppError(error).message };
  }
  revalidatePath(`/tasks/${taskId}`);
  return {};
}
