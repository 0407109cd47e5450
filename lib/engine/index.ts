// The web side's engine: the dispatcher of the configured backend, one per process.
import { databaseUrl } from "@/lib/env";
import { DbosDispatcher } from "./dbos/dispatcher";
import type { TaskDispatcher } from "./port";

const globalForEngine = globalThis as unknown as { batonDispatcher?: TaskDispatcher };

export function taskDispatcher(): TaskDispatcher {
  globalForEngine.batonDispatcher ??= new DbosDispatcher(databaseUrl());
  return globalForEngine.batonDispatcher;
}
