// The worker's model clients. The setup can change while it runs (the Models page), so each call
// looks up the provider's current connection (cached briefly) and uses a client built for exactly
// that URL and key: a changed key or URL gets a new client, the old one is dropped.
import { createHash } from "node:crypto";
import type { DbTx } from "@/lib/db";
import { createProvider, runtimeConnection, type ProviderId, type RuntimeConnection } from "./registry";
import { ModelError, type ModelProvider } from "./types";

// Short enough that a changed key is used within a second; long enough that polling a background
// response does not read the database on every poll.
const CONNECTION_TTL_MS = 1000;

export interface ProviderCache {
  /** A provider whose every call goes to the connection configured at that moment. */
  provider(id: ProviderId): ModelProvider;
}

export function createProviderCache(db: DbTx, options: { demoUrl: () => string }): ProviderCache {
  const connections = new Map<ProviderId, { at: number; connection: RuntimeConnection }>();
  const clients = new Map<ProviderId, { key: string; client: ModelProvider }>();

  async function connectionOf(id: ProviderId): Promise<RuntimeConnection> {
    const cached = connections.get(id);
    if (cached && Date.now() - cached.at < CONNECTION_TTL_MS) return cached.connection;
    const connection = await runtimeConnection(db, id);
    if (!connection) {
      connections.delete(id);
      throw new ModelError(`The ${id} model is not set up (any more). The owner can set it up on the Models page, then retry the task.`);
    }
    connections.set(id, { at: Date.now(), connection });
    return connection;
  }

  async function clientOf(id: ProviderId): Promise<ModelProvider> {
    const connection = await connectionOf(id);
    const key = `${connection.baseUrl ?? ""}\n${createHash("sha256").update(connection.apiKey ?? "").digest("hex")}`;
    const cached = clients.get(id);
    if (cached?.key === key) return cached.client;
    const client = createProvider(connection, options);
    clients.set(id, { key, client });
    return client;
  }

  return {
    provider: (id) => ({
      start: async (request, startOptions) => (await clientOf(id)).start(request, startOptions),
      poll: async (responseId) => (await clientOf(id)).poll(responseId),
      cancel: async (responseId) => (await clientOf(id)).cancel(responseId),
    }),
  };
}
