"use server";

import { revalidatePath } from "next/cache";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import type { FieldErrors } from "@/lib/errors";
import type { ProbeResult } from "@/lib/models/probe-provider";
import { removeModelConnection, saveModelConnection, setDefaultModel, testModelConnection } from "@/lib/models/save-model-connection";
import { parseModelOption } from "@/lib/agent/providers/model-option";
import { defaultModelInput, modelConnectionInput, type ModelProviderId } from "@/lib/models/schemas";
import { parseInput } from "@/lib/http/respond";
import { actionError } from "@/lib/http/action-error";

export interface ModelFormState {
  message?: string;
  fieldErrors?: FieldErrors;
  /** What was typed (never the key), kept after a refusal. */
  values?: { baseUrl?: string; model?: string };
  saved?: boolean;
}

export async function saveModelConnectionAction(_previous: ModelFormState, form: FormData): Promise<ModelFormState> {
  const text = (name: string) => (form.has(name) ? String(form.get(name)) : undefined);
  const values = { baseUrl: text("baseUrl"), model: text("model") };
  const parsed = parseInput(modelConnectionInput, { provider: text("provider"), apiKey: text("apiKey"), ...values });
  if (!parsed.ok) return { message: "Some fields need fixing.", fieldErrors: parsed.fieldErrors, values };
  try {
    await saveModelConnection(db(), { userId: await currentUserId(), input: parsed.data });
  } catch (error) {
    const appError = actionError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors, values };
  }
  revalidatePath("/", "layout");
  return { saved: true, values };
}

export async function testModelConnectionAction(provider: ModelProviderId): Promise<ProbeResult> {
  try {
    return await testModelConnection(db(), { userId: await currentUserId(), provider });
  } catch (error) {
    return { ok: false, message: actionError(error).message };
  }
}

export async function removeModelConnectionAction(provider: ModelProviderId): Promise<{ error?: string }> {
  try {
    await removeModelConnection(db(), { userId: await currentUserId(), provider });
  } catch (error) {
    return { error: actionError(error).message };
  }
  revalidatePath("/", "layout");
  return {};
}

export async function setDefaultModelAction(_previous: ModelFormState, form: FormData): Promise<ModelFormState> {
  const parsed = parseInput(defaultModelInput, parseModelOption(String(form.get("model") ?? "")));
  if (!parsed.ok) return { message: "Choose a model.", fieldErrors: { model: ["Choose a model."] } };
  try {
    await setDefaultModel(db(), { userId: await currentUserId(), ...parsed.data });
  } catch (error) {
    const appError = actionError(error);
    return { message: appError.message, fieldErrors: appError.fieldErrors };
  }
  revalidatePath("/", "layout");
  return { saved: true };
}
