"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { parseModelOption } from "@/lib/agent/providers/model-option";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { decisionInput } from "@/lib/approvals/schemas";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { taskDispatcher } from "@/lib/engine";
import type { FieldErrors } from "@/lib/errors";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { retryTask } from "@/lib/tasks/retry-task";
import { messageInput, postMessage } from "@/lib/tasks/messages";
import { createTaskInput } from "@/lib/tasks/schemas";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";
import { findExampleTask } from "@/lib/demo/example-tasks";
import { parseInput, parseJsonText } from "@/lib/http/respond";
import { actionError } from "@/lib/http/action-error";

export interface CreateTaskFormState {
  message?: string;
  fieldErrors?: FieldErrors;
  values?: { title: string; prompt: string; runAtLocal: string; model: string };
}

export async function createTaskAction(_previous: CreateTaskFormState, form: FormData): Promise<CreateTaskFormState> {
  const text = (name: string) => String(form.get(name) ?? "");
  const values = { title: text("title"), prompt: text("prompt"), runAtLocal: text("runAtLocal"), model: text("model") };
  const parsed = parseInput(createTaskInput, { title: values.title, prompt: values.prompt, runAt: text("runAt"), ...parseModelOption(values.model) });
  if (!parsed.ok) return { message: "Some fields need fixing.", fieldErrors: parsed.fieldErrors, values };

  let taskId: string;
  try {
    const { task } = await createTask(
      { db: db(), engine: taskDispatcher() },
      { ...parsed.data, userId: await currentUserId(), idempotencyKey: text("idempotencyKey") || undefined },
    );
    taskId = task.id;
  } catch (error) {
    const appError = actionError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors, values };
  }
  redirect(`/tasks/${taskId}`);
}

/** One tap on an example task: created on the default model (the demo model when none is configured), then opened. */
export async function startExampleTaskAction(exampleId: string, idempotencyKey: string): Promise<{ error?: string }> {
  const example = findExampleTask(exampleId);
  if (!example) return { error: "That example is not offered any more; reload the page." };
  let taskId: string;
  try {
    const input = createTaskInput.parse({ title: example.title, prompt: example.prompt });
    const { task } = await createTask({ db: db(), engine: taskDispatcher() }, { ...input, userId: await currentUserId(), idempotencyKey });
    taskId = task.id;
  } catch (error) {
    return { error: actionError(error).message };
  }
  redirect(`/tasks/${taskId}`);
}

export async function cancelTaskAction(taskId: string): Promise<{ error?: string }> {
  return runTaskAction(taskId, (userId) => cancelTask({ db: db(), engine: taskDispatcher() }, { userId, taskId }));
}

export async function retryTaskAction(taskId: string): Promise<{ error?: string }> {
  return runTaskAction(taskId, (userId) => retryTask({ db: db(), engine: taskDispatcher() }, { userId, taskId }));
}

export interface ActionResult {
  error?: string;
  fieldErrors?: FieldErrors;
}

export interface DecisionFormInput {
  decision: "approve" | "deny";
  note?: string;
  /** The person's edited arguments as typed: parsed here so a typo gets a readable message. */
  argumentsJson?: string;
}

export async function decideApprovalAction(approvalId: string, input: DecisionFormInput): Promise<ActionResult> {
  let args: unknown;
  if (input.argumentsJson !== undefined) {
    try {
      args = parseJsonText(input.argumentsJson, "The arguments are");
    } catch (error) {
      return { error: `${actionError(error).message} Check quotes, commas and brackets.` };
    }
  }
  const parsed = parseInput(decisionInput, { decision: input.decision, note: input.note?.trim() || undefined, arguments: args });
  if (!parsed.ok) {
    const { fieldErrors } = parsed;
    return { error: fieldErrors.arguments ? "The arguments must be a JSON object, like {\"url\": \"…\"}." : "Some fields need fixing.", fieldErrors };
  }
  let taskId: string;
  try {
    const decided = await decideApproval(
      { db: db(), engine: taskDispatcher(), tools: builtinArgumentValidator },
      { ...parsed.data, userId: await currentUserId(), approvalId, via: "web" },
    );
    taskId = decided.taskId;
  } catch (error) {
    const appError = actionError(error);
    return { error: appError.message, fieldErrors: appError.fieldErrors };
  }
  revalidatePath(`/tasks/${taskId}`);
  revalidatePath("/approvals");
  return {};
}

export async function postMessageAction(taskId: string, body: string): Promise<ActionResult> {
  const parsed = parseInput(messageInput, { body });
  if (!parsed.ok) {
    const { fieldErrors } = parsed;
    return { error: fieldErrors.body?.[0] ?? "Write a message.", fieldErrors };
  }
  return runTaskAction(taskId, (userId) => postMessage({ db: db(), engine: taskDispatcher() }, { userId, taskId, body: parsed.data.body }));
}

async function runTaskAction(taskId: string, action: (userId: string) => Promise<unknown>): Promise<{ error?: string }> {
  try {
    await action(await currentUserId());
  } catch (error) {
    return { error: actionError(error).message };
  }
  revalidatePath(`/tasks/${taskId}`);
  return {};
}
