// DBOSClient.enqueueInTransaction writes DBOS's rows through a `pg` client that holds the caller's
// transaction. Baton's transactions are Prisma's, whose connection is not exposed; this adapter
// sends DBOS's statements through the Prisma transaction instead, so a task and its workflow
// commit together (DBOS's tables live in the same Postgres, schema "dbos").
import type { ClientBase } from "pg";
import type { DbTx } from "@/lib/db";

export function pgClientOverTransaction(tx: DbTx): ClientBase {
  const client = {
    async query(text: string, values: unknown[] = []) {
      const rows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...values);
      return { rows, rowCount: rows.length };
    },
  };
  // Only query(text, values) is used by DBOS's enqueue (system_database.js insertWorkflowStatus);
  // the rest of ClientBase is not implemented, hence the cast.
  return client as unknown as ClientBase;
}
