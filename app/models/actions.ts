"use server";

import { revalidatePath } from "next/cache";
import { parseModelOption } from "@/lib/agent/providers/model-option";
import { db } from "@/lib/db";
import { parseInput } from "@/lib/http/respond";
import { failureOf, parsedUserAction, userAction, type ActionFailure, type ActionResult } from "@/lib/http/server-action";
import type { ProbeResult } from "@/lib/models/probe-provider";
import { removeModelConnection, saveModelConnection, setDefaultModel, testModelConnection } from "@/lib/models/save-model-connection";
import { defaultModelInput, modelConnectionInput, type ModelProviderId } from "@/lib/models/schemas";

export type ModelFormState = Partial<ActionFailure> & {
  /** What was typed (never the key), kept after a refusal. */
  values?: { baseUrl?: string; model?: string };
  saved?: boolean;
};

export async function saveModelConnectionAction(_previous: ModelFormState, form: FormData): Promise<ModelFormState> {
  const text = (name: string) => (form.has(name) ? String(form.get(name)) : undefined);
  const values = { baseUrl: text("baseUrl"), model: text("model") };
  const input = { provider: text("provider"), apiKey: text("apiKey"), ...values };
  const result = await parsedUserAction("save model connection", modelConnectionInput, input, async (data, user) => {
    await saveModelConnection(db(), { userId: user.id, input: data });
    revalidatePath("/", "layout");
  });
  return { ...failureOf(result), saved: result.ok, values };
}

export async function testModelConnectionAction(provider: ModelProviderId): Promise<ActionResult<ProbeResult>> {
  return userAction("test model connection", (user) => testModelConnection(db(), { userId: user.id, provider }));
}

export async function removeModelConnectionAction(provider: ModelProviderId): Promise<ActionResult> {
  return userAction("remove model connection", async (user) => {
    await removeModelConnection(db(), { userId: user.id, provider });
    revalidatePath("/", "layout");
    return undefined;
  });
}

export async function setDefaultModelAction(_previous: ModelFormState, form: FormData): Promise<ModelFormState> {
  const parsed = parseInput(defaultModelInput, parseModelOption(String(form.get("model") ?? "")));
  if (!parsed.ok) return { message: "Choose a model.", fieldErrors: { model: ["Choose a model."] } };
  const result = await userAction("set default model", async (user) => {
    await setDefaultModel(db(), { userId: user.id, ...parsed.data });
    revalidatePath("/", "layout");
  });
  return { ...failureOf(result), saved: result.ok };
}
