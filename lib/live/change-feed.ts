// Task changes from every process (web, workers) reach each web process's open SSE streams through
// one Postgres connection per web process. Tasks and timeline events carry no NOTIFY: Postgres
// serializes every commit that notifies (one global lock), which capped task throughput at a few
// hundred per second. Instead this process reads the rows written since its last look, by the
// transaction that wrote them: each row holds its writer's id (change_xid), and a row is new when
// its writer is visible in this poll's snapshot but was not in the previous one. Unlike "id >
// last id", that skips no row whose transaction took its id early and committed late. Tasks are
// read from task_changes (every version, appended by a trigger), not from tasks (the latest only),
// so a task that went queued -> running between two looks is announced as both.
// Rare changes no table covers (a pairing code redeemed) still come as notifications.
import pg from "pg";
import { databaseUrl } from "@/lib/env";
import { CHANGES_CHANNEL, ownedChangeSchema, type OwnedChange } from "./changes";

/** "resync": the feed reconnected and may have missed changes; listeners should refetch. */
export type FeedMessage = OwnedChange | { kind: "resync" };

/**
 * Hears a user's changes a batch at a time: what one poll (or one notification) found, in order.
 * Every stream of the user is handed the same array, so a stream can frame it once for all of them.
 */
export type Listener = (messages: readonly FeedMessage[]) => void;

/** A change is on screen within this plus the query (~1 ms): well inside the 300 ms promise. */
export const POLL_MS = 100;
/** Polling stops this long after the last stream closed; a page reload keeps its position. */
const IDLE_STOP_MS = 30_000;
/** task_changes rows are only read within a poll or two; older ones go, at most once a minute. */
const PRUNE_EVERY_MS = 60_000;
const PRUNE_SQL = `DELETE FROM "task_changes" WHERE "created_at" < now() - interval '10 minutes'`;

// One statement, so the snapshot it returns is the one its reads saw. Scoped to the users with an
// open stream; change_xid >= xmin keeps it on the index (everything older was already visible).
const CHANGES_SINCE = `
  SELECT pg_current_snapshot()::text AS snapshot,
    (SELECT coalesce(json_agg(json_build_object(
        'kind', 'task', 'userId', c."user_id", 'taskId', c."task_id", 'status', c."status",
        'title', c."title", 'updatedAt', c."updated_at") ORDER BY c."id"), '[]'::json)
      FROM "task_changes" c
      WHERE c."user_id" = ANY($1::uuid[])
        AND c."change_xid" >= pg_snapshot_xmin($2::pg_snapshot)
        AND NOT pg_visible_in_snapshot(c."change_xid", $2::pg_snapshot)) AS tasks,
    (SELECT coalesce(json_agg(json_build_object(
        'kind', 'event', 'userId', t."user_id", 'taskId', e."task_id", 'eventId', e."id"::text) ORDER BY e."id"), '[]'::json)
      FROM "timeline_events" e JOIN "tasks" t ON t."id" = e."task_id"
      WHERE t."user_id" = ANY($1::uuid[])
        AND e."change_xid" >= pg_snapshot_xmin($2::pg_snapshot)
        AND NOT pg_visible_in_snapshot(e."change_xid", $2::pg_snapshot)) AS events`;

interface ChangesRow {
  snapshot: string;
  tasks: unknown[];
  events: unknown[];
}

class ChangeFeed {
  /** By user: a change goes to its owner's listeners without a look at anyone else's. */
  private readonly subscriptions = new Map<string, Set<Listener>>();
  private client: pg.Client | undefined;
  private connecting = false;
  private everConnected = false;
  private retryMs = 250;
  /** The snapshot of the last poll: everything visible in it has been delivered. */
  private snapshot: string | undefined;
  private readonly waitingForSnapshot: Array<() => void> = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private idleSince: number | undefined;
  private prunedAt = 0;

  subscribe(userId: string, listener: Listener): () => void {
    // Its own wrapper, so one listener subscribed twice is two subscriptions, as it was.
    const subscription: Listener = (messages) => listener(messages);
    let listeners = this.subscriptions.get(userId);
    if (!listeners) this.subscriptions.set(userId, (listeners = new Set()));
    listeners.add(subscription);
    this.idleSince = undefined;
    void this.connect();
    this.schedulePoll(0);
    return () => {
      listeners.delete(subscription);
      if (listeners.size === 0 && this.subscriptions.get(userId) === listeners) this.subscriptions.delete(userId);
      if (this.subscriptions.size === 0) this.idleSince = Date.now();
    };
  }

  /**
   * Resolves once the feed holds a position: every change committed after this is delivered. A
   * stream says "ready" (and its page refetches) only then, so nothing falls between the two.
   */
  ready(): Promise<void> {
    if (this.snapshot) return Promise.resolve();
    return new Promise((resolve) => this.waitingForSnapshot.push(resolve));
  }

  /** Hands each user's listeners that user's messages, in order, as one array. */
  private broadcast(messages: readonly FeedMessage[]): void {
    if (messages.length === 0) return;
    if (messages.some((message) => message.kind === "resync")) {
      const resync: readonly FeedMessage[] = [{ kind: "resync" }];
      for (const listeners of this.subscriptions.values()) for (const listener of listeners) listener(resync);
      return;
    }
    const byUser = new Map<string, FeedMessage[]>();
    for (const message of messages) {
      const owner = "userId" in message ? message.userId : null;
      if (owner === null || !this.subscriptions.has(owner)) continue;
      let batch = byUser.get(owner);
      if (!batch) byUser.set(owner, (batch = []));
      batch.push(message);
    }
    for (const [userId, batch] of byUser) for (const listener of this.subscriptions.get(userId) ?? []) listener(batch);
  }

  private schedulePoll(delayMs: number): void {
    if (this.pollTimer || this.polling) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll();
    }, delayMs);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    const client = this.client;
    if (!client) return; // connect() polls once it is up
    if (this.subscriptions.size === 0 && this.idleSince !== undefined && Date.now() - this.idleSince > IDLE_STOP_MS) {
      // Nobody is watching: stop, and start from a fresh position when someone is again.
      this.snapshot = undefined;
      return;
    }
    this.polling = true;
    try {
      if (!this.snapshot) {
        const result = await client.query<{ snapshot: string }>("SELECT pg_current_snapshot()::text AS snapshot");
        this.snapshot = result.rows[0]!.snapshot;
        for (const resolve of this.waitingForSnapshot.splice(0)) resolve();
      } else {
        const result = await client.query<ChangesRow>(CHANGES_SINCE, [[...this.subscriptions.keys()], this.snapshot]);
        const row = result.rows[0]!;
        this.snapshot = row.snapshot;
        const changes: FeedMessage[] = [];
        for (const change of [...row.tasks, ...row.events]) {
          const parsed = ownedChangeSchema.safeParse(change);
          if (parsed.success) changes.push(parsed.data);
        }
        this.broadcast(changes);
        if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
          this.prunedAt = Date.now();
          await client.query(PRUNE_SQL);
        }
      }
    } catch {
      // The position is kept: once reconnected, the next poll delivers what this one would have.
      this.reconnectLater(client);
      return;
    } finally {
      this.polling = false;
    }
    this.schedulePoll(POLL_MS);
  }

  private async connect(): Promise<void> {
    if (this.client || this.connecting) return;
    this.connecting = true;
    const client = new pg.Client({ connectionString: databaseUrl(), connectionTimeoutMillis: 3000, keepAlive: true });
    client.on("notification", (notification) => {
      const parsed = ownedChangeSchema.safeParse(JSON.parse(notification.payload ?? "null"));
      if (parsed.success) this.broadcast([parsed.data]);
    });
    client.on("error", () => this.reconnectLater(client));
    client.on("end", () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      this.client = client;
      this.retryMs = 250;
      // Notifications sent while the connection was down are lost; polled rows are not.
      if (this.everConnected) this.broadcast([{ kind: "resync" }]);
      this.everConnected = true;
      this.schedulePoll(0);
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
