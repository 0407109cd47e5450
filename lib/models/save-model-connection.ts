// Setting up, removing and choosing models on the Models page (owner only). Each change is one
// transaction; workers read the stored setup when they next call a model, so nothing restarts.
import { configuredModels, runtimeConnection } from "@/lib/agent/providers/registry";
import { assertOwner } from "@/lib/auth/require-owner";
import type { Db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { deleteSecret, findSecretHint, setSecret } from "@/lib/secrets/secret-store";
import { DEFAULT_MODEL_SETTING, modelKeyRef } from "./model-connections";
import { listServerModels, testConnection, type ProbeResult } from "./probe-provider";
import type { ModelConnectionInput, ModelProviderId } from "./schemas";

export async function saveModelConnection(db: Db, params: { userId: string; input: ModelConnectionInput }): Promise<{ models: string[]; keyHint: string | null }> {
  await assertOwner(db, params.userId);
  const { input } = params;
  const keyRef = modelKeyRef(input.provider);
  let baseUrl: string | null = null;
  let models: string[];
  if (input.provider === "openai-compatible") {
    baseUrl = input.baseUrl!.replace(/\/+$/, "");
    // Keep the saved key when none is typed, so the list is fetched as the worker will call.
    const apiKey = input.apiKey ?? (await runtimeConnection(db, "openai-compatible"))?.apiKey;
    const listed = await listServerModels(baseUrl, apiKey);
    if (!listed.ok) throw new AppError("BAD_REQUEST", { message: listed.message, fieldErrors: { baseUrl: [listed.message] } });
    models = listed.models;
  } else {
    if (!input.apiKey && !(await findSecretHint(db, keyRef))) {
      throw new AppError("BAD_REQUEST", { message: "Some fields need fixing.", fieldErrors: { apiKey: ["Paste the API key."] } });
    }
    models = [input.model];
  }
  const keyHint = await db.$transaction(async (tx) => {
    await tx.modelConnection.upsert({ where: { provider: input.provider }, create: { provider: input.provider, baseUrl, models }, update: { baseUrl, models } });
    if (input.apiKey) return (await setSecret(tx, { ...keyRef, kind: "model-api-key", value: input.apiKey })).hint;
    return findSecretHint(tx, keyRef);
  });
  return { models, keyHint };
}

export async function removeModelConnection(db: Db, params: { userId: string; provider: ModelProviderId }): Promise<void> {
  await assertOwner(db, params.userId);
  await db.$transaction(async (tx) => {
    await tx.modelConnection.deleteMany({ where: { provider: params.provider } });
    await deleteSecret(tx, modelKeyRef(params.provider));
  });
}

export async function setDefaultModel(db: Db, params: { userId: string; provider: string; model: string }): Promise<void> {
  await assertOwner(db, params.userId);
  const offered = await configuredModels(db);
  if (!offered.some((choice) => choice.provider === params.provider && choice.model === params.model)) {
    throw new AppError("BAD_REQUEST", { message: "That model is not set up here.", fieldErrors: { model: ["Choose one of the models set up above."] } });
  }
  const value = { provider: params.provider, model: params.model } satisfies Prisma.InputJsonObject;
  await db.instanceSetting.upsert({ where: { name: DEFAULT_MODEL_SETTING }, create: { name: DEFAULT_MODEL_SETTING, value }, update: { value } });
}

/** "Test connection": one real call to the provider as the worker would make it (environment first). */
export async function testModelConnection(db: Db, params: { userId: string; provider: ModelProviderId }): Promise<ProbeResult> {
  await assertOwner(db, params.userId);
  const connection = await runtimeConnection(db, params.provider);
  const model = (await configuredModels(db)).find((choice) => choice.provider === params.provider)?.model;
  if (!connection || !model) throw new AppError("NOT_FOUND", { message: "Set this provider up first." });
  return testConnection(connection, model);
}
