// Statements and write transactions per task, from Postgres's own counters: pg_stat_statements
// (loaded by restarting the bench's throwaway server with it preloaded) and the transaction ids
// handed out (only a transaction that writes takes one). CPU per task follows these closely, and
// unlike CPU they do not move with the machine's load.
import pg from "pg";
import type { TestPostgres } from "../../tests/support/test-postgres";

export interface StatementCounts {
  statements: number;
  /** Transactions that wrote (each took a transaction id), committed or not. */
  writeTransactions: number;
  /** Calls to pg_notify (the worker wake-up on enqueue, announceChange); the change feed polls. */
  notifies: number;
}

/** Restarts the bench's server with pg_stat_statements preloaded; false when it cannot be. */
export async function enableStatementCounts(postgres: TestPostgres): Promise<boolean> {
  try {
    await query(postgres.url, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    await query(postgres.url, "ALTER SYSTEM SET pg_stat_statements.track = 'all'");
    await query(postgres.url, "ALTER SYSTEM SET pg_stat_statements.track_planning = on");
    await postgres.stop();
    await postgres.start();
    await query(postgres.url, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    return true;
  } catch (error) {
    console.error(`[bench] statement counts unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

/** Starts a count: returns the next transaction id, and clears the statement statistics. */
export async function resetStatementCounts(url: string): Promise<bigint> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ next: string }>("SELECT pg_stat_statements_reset(), pg_snapshot_xmax(pg_current_snapshot())::text AS next");
    return BigInt(rows[0]!.next);
  } finally {
    await client.end();
  }
}

/** What the server ran since the last reset; pg_notify calls inside triggers are nested statements. */
export async function readStatementCounts(url: string, since: bigint): Promise<StatementCounts> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ statements: string; notifies: string; next: string }>(
      `SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE toplevel) AS statements,
              (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE NOT toplevel AND query ILIKE '%pg_notify%') +
              (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE toplevel AND query ILIKE '%pg_notify%') AS notifies,
              pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
    );
    const row = rows[0]!;
    return { statements: Number(row.statements), writeTransactions: Number(BigInt(row.next) - since), notifies: Number(row.notifies) };
  } finally {
    await client.end();
  }
}

/**
 * The statements that took the server the most time since the last reset (planning and
 * executing; a statement sent unprepared is planned on every call), for finding what a task
 * still costs.
 */
export async function topStatements(url: string, limit: number): Promise<{ calls: number; planMs: number; execMs: number; query: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ calls: string; plan_ms: number; exec_ms: number; query: string }>(
      `SELECT calls, total_plan_time AS plan_ms, total_exec_time AS exec_ms, regexp_replace(query, '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE toplevel ORDER BY total_plan_time + total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ calls: Number(row.calls), planMs: row.plan_ms, execMs: row.exec_ms, query: row.query }));
  } finally {
    await client.end();
  }
}

async function query(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
