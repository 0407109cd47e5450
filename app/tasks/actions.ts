"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { parseModelOption } from "@/lib/agent/providers/model-option";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { decisionInput } from "@/lib/approvals/schemas";
import { db } from "@/lib/db";
import { findExampleTask } from "@/lib/demo/example-tasks";
import { taskDispatcher } from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { parseJsonText } from "@/lib/http/respond";
import { failureOf, parsedUserAction, userAction, type ActionFailure, type ActionResult } from "@/lib/http/server-action";
import { cancelTask } from "@/lib/tasks/cancel-task";
import { createTask } from "@/lib/tasks/create-task";
import { createTemplateTask } from "@/lib/tasks/create-template-task";
import { retryTask } from "@/lib/tasks/retry-task";
import { messageInput, postMessage } from "@/lib/tasks/messages";
import { createTaskInput } from "@/lib/tasks/schemas";
import { builtinArgumentValidator } from "@/lib/tools/argument-validator";

export type CreateTaskFormState = Partial<ActionFailure> & {
  values?: { title: string; prompt: string; runAtLocal: string; model: string; planFirst: boolean; browserOrigins: string };
};

export async function createTaskAction(_previous: CreateTaskFormState, form: FormData): Promise<CreateTaskFormState> {
  const text = (name: string) => String(form.get(name) ?? "");
  const values = { title: text("title"), prompt: text("prompt"), runAtLocal: text("runAtLocal"), model: text("model"), planFirst: form.get("planFirst") === "on", browserOrigins: text("browserOrigins") };
  const input = { title: values.title, prompt: values.prompt, runAt: text("runAt"), planFirst: values.planFirst, browserOrigins: values.browserOrigins || undefined, ...parseModelOption(values.model) };
  const result = await parsedUserAction("create task", createTaskInput, input, async (data, user) => {
    const { task } = await createTask({ db: db(), engine: taskDispatcher() }, { ...data, userId: user.id, idempotencyKey: text("idempotencyKey") || undefined });
    redirect(`/tasks/${task.id}`);
  });
  return { ...failureOf(result), values };
}

export type TemplateTaskFormState = Partial<ActionFailure> & { values?: Record<string, string> };

export async function createTemplateTaskAction(_previous: TemplateTaskFormState, form: FormData): Promise<TemplateTaskFormState> {
  const values = Object.fromEntries([...form.entries()].filter(([name]) => !name.startsWith("$")).map(([name, value]) => [name, String(value)]));
  const { templateId = "", idempotencyKey, model = "", ...fields } = values;
  const result = await userAction("create template task", async (user) => {
    const { task } = await createTemplateTask({ db: db(), engine: taskDispatcher() }, { userId: user.id, templateId, fields, ...parseModelOption(model), idempotencyKey: idempotencyKey || undefined });
    redirect(`/tasks/${task.id}`);
  });
  return { ...failureOf(result), values };
}

/** One tap on an example task: created on the default model (the demo model when none is configured), then opened. */
export async function startExampleTaskAction(exampleId: string, idempotencyKey: string): Promise<ActionResult> {
  return userAction("start example task", async (user) => {
    const example = findExampleTask(exampleId);
    if (!example) throw new AppError("NOT_FOUND", { message: "That example is not offered any more; reload the page." });
    const input = createTaskInput.parse({ title: example.title, prompt: example.prompt });
    const { task } = await createTask({ db: db(), engine: taskDispatcher() }, { ...input, userId: user.id, idempotencyKey });
    redirect(`/tasks/${task.id}`);
  });
}

export async function cancelTaskAction(taskId: string): Promise<ActionResult> {
  return taskAction("cancel task", taskId, (userId) => cancelTask({ db: db(), engine: taskDispatcher() }, { userId, taskId }));
}

export async function retryTaskAction(taskId: string): Promise<ActionResult> {
  return taskAction("retry task", taskId, (userId) => retryTask({ db: db(), engine: taskDispatcher() }, { userId, taskId }));
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
      const message = error instanceof AppError ? error.message : "The arguments are not valid JSON.";
      return { ok: false, message: `${message} Check quotes, commas and brackets.` };
    }
    if (typeof args !== "object" || args === null || Array.isArray(args)) {
      return { ok: false, message: 'The arguments must be a JSON object, like {"url": "…"}.', fieldErrors: { arguments: ["Expected a JSON object."] } };
    }
  }
  const fields = { decision: input.decision, note: input.note?.trim() || undefined, arguments: args };
  return parsedUserAction("decide approval", decisionInput, fields, async (data, user) => {
    const decided = await decideApproval({ db: db(), engine: taskDispatcher(), tools: builtinArgumentValidator }, { ...data, userId: user.id, approvalId, via: "web" });
    revalidatePath(`/tasks/${decided.taskId}`);
    revalidatePath("/approvals");
    return undefined;
  });
}

export async function postMessageAction(taskId: string, body: string): Promise<ActionResult> {
  const result = await parsedUserAction("post message", messageInput, { body }, async (data, user) => {
    await postMessage({ db: db(), engine: taskDispatcher() }, { userId: user.id, taskId, body: data.body });
    revalidatePath(`/tasks/${taskId}`);
    return undefined;
  });
  // A form with one field says what is wrong with it, not "some fields".
  return !result.ok && result.fieldErrors?.body ? { ...result, message: result.fieldErrors.body[0] ?? result.message } : result;
}

function taskAction(where: string, taskId: string, work: (userId: string) => Promise<unknown>): Promise<ActionResult> {
  return userAction(where, async (user) => {
    await work(user.id);
    revalidatePath(`/tasks/${taskId}`);
    return undefined;
  });
}
