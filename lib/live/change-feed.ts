// Task changes from every process (web, workers) arrive as Postgres notifications on one channel;
// each web process holds one LISTEN connection and fans them out to its open SSE streams.
import pg from "pg";
import { databaseUrl } from "@/lib/env";
import { CHANGES_CHANNEL, ownedChangeSchema, type OwnedChange } from "./changes";

/** "resync": the feed reconnected and may have missed changes; listeners should refetch. */
export type FeedMessage = OwnedChange | { kind: "resync" };

type Listener = (message: FeedMessage) => void;

class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private client: pg.Client | undefined;
  private connecting = false;
  private everConnected = false;
  private retryMs = 250;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    void this.connect();
    return () => this.listeners.delete(listener);
  }

  private broadcast(message: FeedMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  private async connect(): Promise<void> {
    if (this.client || this.connecting) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: databaseUrl(), connectionTimeoutMillis: 3000, keepAlive: true });
    client.on("notification", (notification) => {
      const parsed = ownedChangeSchema.safeParse(JSON.parse(notification.payload ?? "null"));
      if (parsed.success) this.broadcast(parsed.data);
    });
    client.on("error", () => this.reconnectLater(client));
    client.on("end", () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      this.client = client;
      this.retryMs = 250;
      if (this.everConnected) this.broadcast({ kind: "resync" });
      this.everConnected = true;
    } catch {
      this.reconnectLater(client);
    } finally {
      this.connecting = false;
    }
  }

  private reconnectLater(client: pg.Client): void {
    if (this.client && this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on("error", () => {});
    void client.end().catch(() => {});
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 5000);
    setTimeout(() => void this.connect(), delay).unref();
  }
}

const globalForFeed = globalThis as unknown as { batonChangeFeed?: ChangeFeed };

export function changeFeed(): ChangeFeed {
  globalForFeed.batonChangeFeed ??= new ChangeFeed();
  return globalForFeed.batonChangeFeed;
}
