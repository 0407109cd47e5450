// What the Models page and GET /api/models show the owner: per provider, whether the environment
// sets it up (and with which variable) or the page did (with the key's hint only), the models
// offered and the default. Never a key.
import { configuredModels, environmentDefault, environmentProviders, type ModelChoice } from "@/lib/agent/providers/registry";
import { assertOwner } from "@/lib/auth/require-owner";
import type { Db } from "@/lib/db";
import { loadModelConnections, type ModelConnectionView } from "./model-connections";
import { MODEL_PROVIDERS, type ModelProviderId } from "./schemas";

export interface ProviderSetup {
  provider: ModelProviderId;
  /** The variable that sets this provider up; it overrides the page's setup. */
  fromEnvironment: string | null;
  /** The page's setup, if any. */
  connection: ModelConnectionView | null;
}

export interface ModelSetup {
  providers: ProviderSetup[];
  /** Configured models, the default first. */
  models: ModelChoice[];
  /** The variable pinning the default, if one does. */
  defaultFromEnvironment: string | null;
}

export async function getModelSetup(db: Db, userId: string): Promise<ModelSetup> {
  await assertOwner(db, userId);
  const connections = await loadModelConnections(db);
  const fromEnvironment = environmentProviders();
  return {
    providers: MODEL_PROVIDERS.map((provider) => ({
      provider,
      fromEnvironment: fromEnvironment[provider] ?? null,
      connection: connections.find((connection) => connection.provider === provider) ?? null,
    })),
    models: await configuredModels(db, connections),
    defaultFromEnvironment: environmentDefault() ?? null,
  };
}
