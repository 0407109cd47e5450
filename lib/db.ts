// The one Prisma client of a process, kept on globalThis so Next's dev reloads reuse it.
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { databaseUrl } from "./env";

export type Db = PrismaClient;
/** A client or an interactive transaction: domain functions accept either. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { batonDb?: PrismaClient };

/**
 * Every statement is a named prepared statement, so each connection parses and plans it once:
 * a run's start and end are single statements of many parts, and planning them cost Postgres
 * more than running them. A connection keeps what it prepared until it closes; the pool closes
 * each after this many uses (a query, or a transaction), which bounds that for statements whose
 * text varies (a list's length).
 */
const USES_PER_CONNECTION = 5_000;

export function createDb(url = databaseUrl()): PrismaClient {
  const adapter = new PrismaPg(
    { connectionString: url, max: 10, connectionTimeoutMillis: 5000, maxUses: USES_PER_CONNECTION },
    { statementNameGenerator: (query) => preparedStatementName(query.sql) },
  );
  return new PrismaClient({ adapter });
}

function preparedStatementName(sql: string): string {
  return `baton_${createHash("sha1").update(sql).digest("base64url")}`;
}

export function db(): PrismaClient {
  globalForDb.batonDb ??= createDb();
  return globalForDb.batonDb;
}
