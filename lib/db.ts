// The one Prisma client of a process, kept on globalThis so Next's dev reloads reuse it.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { databaseUrl } from "./env";

export type Db = PrismaClient;
/** A client or an interactive transaction: domain functions accept either. */
export type DbTx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForDb = globalThis as unknown as { batonDb?: PrismaClient };

export function createDb(url = databaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 }) });
}

export function db(): PrismaClient {
  globalForDb.batonDb ??= createDb();
  return globalForDb.batonDb;
}
