// The pool DBOS's system database goes through, in the worker and on the web side: Baton's own
// kind (lib/db.ts), so DBOS's statements are prepared once per connection rather than planned on
// every call. DBOS configures only a pool it makes itself, so its settings are repeated here.
import pg from "pg";
import { createPool } from "@/lib/db";
import { DBOS_APP_VERSION } from "./names";

/** DBOS's default: a transaction left open by a dead step does not hold its locks for longer. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

export function dbosSystemPool(url: string, options: { max: number; executorId?: string }): pg.Pool {
  return createPool(url, {
    max: options.max,
    // As DBOS names its connections in pg_stat_activity.
    applicationName: options.executorId ? `dbos_transact_${options.executorId}_${DBOS_APP_VERSION}` : undefined,
    idleInTransactionTimeoutMs: IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
}
