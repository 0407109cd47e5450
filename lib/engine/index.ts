// The web side's engine: the dispatcher of the configured backend (BATON_ENGINE), one per process.
import { db } from "@/lib/db";
import { databaseUrl, env } from "@/lib/env";
import { DbosDispatcher } from "./dbos/dispatcher";
import { createInngestDispatcher } from "./inngest/dispatcher";
import type { TaskDispatcher } from "./port";

const globalForEngine = globalThis as unknown as { batonDispatcher?: TaskDispatcher };

export function taskDispatcher(): TaskDispatcher {
  globalForEngine.batonDispatcher ??= env().BATON_ENGINE === "inngest" ? createInngestDispatcher(db()) : new DbosDispatcher(databaseUrl());
  return globalForEngine.batonDispatcher;
}
