// What the Inngest functions work with when served by this Next.js server: the same pieces the
// DBOS worker builds (lib/agent/agent-deps.ts), made once per process on first use, with the
// Inngest dispatcher for follow-up runs and notifications.
import { createAgentDeps } from "@/lib/agent/agent-deps";
import type { AgentDeps } from "@/lib/agent/run-task";
import { db } from "@/lib/db";
import { createInngestDispatcher, type InngestDispatcher } from "@/lib/engine/inngest/dispatcher";
import { env } from "@/lib/env";
import type { PushDeliveryDeps } from "@/lib/push/deliver-notification";
import { guardedFeedFetcher, type FetchFeed } from "@/lib/triggers/fetch-feed";

export interface InngestDeps {
  agent: AgentDeps;
  push: PushDeliveryDeps;
  dispatcher: InngestDispatcher;
  scheduleGraceMs: number;
  fetchFeed: FetchFeed;
}

const globalForDeps = globalThis as unknown as { batonInngestDeps?: Promise<InngestDeps> };

export function inngestDeps(): Promise<InngestDeps> {
  globalForDeps.batonInngestDeps ??= buildDeps().catch((error: unknown) => {
    globalForDeps.batonInngestDeps = undefined;
    throw error;
  });
  return globalForDeps.batonInngestDeps;
}

async function buildDeps(): Promise<InngestDeps> {
  const config = env();
  const database = db();
  const dispatcher = createInngestDispatcher(database);
  return {
    dispatcher,
    scheduleGraceMs: config.BATON_SCHEDULE_GRACE_MS,
    fetchFeed: guardedFeedFetcher({ allowlist: config.BATON_HTTP_ALLOWLIST }),
    push: { db: database, allowlist: config.BATON_PUSH_ALLOWLIST },
    agent: (await createAgentDeps(database, dispatcher)).deps,
  };
}
