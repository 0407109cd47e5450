// The model providers set up on the Models page, as stored: the connection row, its key in the
// secret store (only a hint leaves this module, except for the runtime that calls the model), and
// the chosen default.
import { z } from "zod";
import type { DbTx } from "@/lib/db";
import { findSecretHint, INSTANCE, revealSecret } from "@/lib/secrets/secret-store";
import { MODEL_PROVIDERS, type ModelProviderId } from "./schemas";

export interface ModelConnectionView {
  provider: ModelProviderId;
  baseUrl: string | null;
  models: string[];
  /** "sk-…1234", or null when no key is saved. */
  keyHint: string | null;
  updatedAt: Date;
}

export const modelKeyRef = (provider: ModelProviderId) => ({ owner: INSTANCE, name: `model-key:${provider}` });
export const DEFAULT_MODEL_SETTING = "default-model";
const storedChoice = z.object({ provider: z.string(), model: z.string() });

const isProvider = (value: string): value is ModelProviderId => (MODEL_PROVIDERS as readonly string[]).includes(value);

export async function loadModelConnections(db: DbTx): Promise<ModelConnectionView[]> {
  const rows = await db.modelConnection.findMany({ orderBy: { provider: "asc" } });
  const views: ModelConnectionView[] = [];
  for (const row of rows) {
    if (!isProvider(row.provider)) continue;
    views.push({ provider: row.provider, baseUrl: row.baseUrl, models: row.models, keyHint: await findSecretHint(db, modelKeyRef(row.provider)), updatedAt: row.updatedAt });
  }
  return views;
}

export async function storedDefaultModel(db: DbTx): Promise<{ provider: string; model: string } | null> {
  const row = await db.instanceSetting.findUnique({ where: { name: DEFAULT_MODEL_SETTING } });
  const parsed = storedChoice.safeParse(row?.value);
  return parsed.success ? parsed.data : null;
}

/** For the runtime only: the base URL and the decrypted key of a provider set up on the page. */
export async function storedRuntimeConnection(db: DbTx, provider: string): Promise<{ baseUrl?: string; apiKey?: string } | null> {
  if (!isProvider(provider)) return null;
  const row = await db.modelConnection.findUnique({ where: { provider } });
  if (!row) return null;
  const apiKey = await revealSecret(db, modelKeyRef(provider));
  return { baseUrl: row.baseUrl ?? undefined, apiKey: apiKey ?? undefined };
}
