// The worker's model clients. The setup can change while it runs (the Models page), so each call
// looks up the provider's current connection and uses a client built for exactly that URL and key:
// a changed key or URL gets a new client, the old one is dropped. The lookup costs nothing for the
// environment's providers and two primary-key reads for the page's, next to a model call that
// takes hundreds of milliseconds; a time-based cache would let the task right after a change run
// on the old server.
import { createHash } from "node:crypto";
import type { DbTx } from "@/lib/db";
import { createProvider, runtimeConnection, type ProviderId } from "./registry";
import { ModelError, type ModelProvider } from "./types";

export interface ProviderCache {
  /** A provider whose every call goes to the connection configured at that moment. */
  provider(id: ProviderId): ModelProvider;
}

export function createProviderCache(db: DbTx, options: { demoUrl: () => string }): ProviderCache {
  const clients = new Map<ProviderId, { key: string; client: ModelProvider }>();

  async function clientOf(id: ProviderId): Promise<ModelProvider> {
    const connection = await runtimeConnection(db, id);
    if (!connection) throw new ModelError(`The ${id} model is not set up (any more). The owner can set it up on the Models page, then retry the task.`);
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
