// The one Prisma client of a process, kept on globalThis so Next's dev reloads reuse it; and, for
// the statements every run makes, a way to send SQL on its pool without Prisma's client.
import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "./generated/prisma/client";
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

// On the client itself, under a registry symbol: Next bundles this module into more than one
// layer (pages, route handlers), and a client made in one is used in all (globalThis above).
const POOL = Symbol.for("baton.db.pool");
type ClientWithPool = PrismaClient & { [POOL]?: pg.Pool };

export function createDb(url = databaseUrl()): PrismaClient {
  // The pool outlives $disconnect (Prisma reconnects through it); idle, it lets the process exit.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000, maxUses: USES_PER_CONNECTION, allowExitOnIdle: true });
  // An idle connection the server closed (a restart, a dropped database) is replaced on the next use.
  pool.on("error", () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { statementNameGenerator: (query) => preparedStatementName(query.sql) }) });
  Object.defineProperty(client, POOL, { value: pool });
  return client;
}

export function db(): PrismaClient {
  globalForDb.batonDb ??= createDb();
  return globalForDb.batonDb;
}

function preparedStatementName(sql: string): string {
  return `baton_${createHash("sha1").update(sql).digest("base64url")}`;
}

/** Runs Prisma.sql statements straight on the pg driver: rows as Postgres names them. */
export interface DirectSql {
  query<Row>(statement: Prisma.Sql): Promise<Row[]>;
}

/**
 * The client's pool without Prisma's client, for the statements every run makes: Prisma spends
 * about 0.1 ms of CPU on a raw query and 0.35 ms on an interactive transaction around it, more than
 * the driver's whole round trip. Rows come back as the driver reads them, except that a timestamp
 * column is read as UTC, as Prisma writes it (bigint and numeric arrive as strings).
 */
export function directSql(db: Db): DirectSql {
  const pool = (db as ClientWithPool)[POOL];
  if (!pool) throw new Error("directSql needs a client made by createDb");
  return on(pool);
}

export interface DirectTransaction extends DirectSql {
  /** What this transaction wrote is rolled back when `work` returns (a caller that found it should not have). */
  discard(): void;
  /** The transaction's connection, for a library that writes through a pg client (DBOS's enqueue). */
  readonly connection: pg.ClientBase;
}

/** `work` in one transaction on one connection: committed when it returns, unless discarded; rolled back when it throws. */
export async function directTransaction<T>(db: Db, work: (tx: DirectTransaction) => Promise<T>): Promise<T> {
  const pool = (db as ClientWithPool)[POOL];
  if (!pool) throw new Error("directTransaction needs a client made by createDb");
  const connection = await pool.connect();
  let discarded = false;
  try {
    await connection.query("BEGIN");
    const result = await work({ ...on(connection), connection, discard: () => (discarded = true) });
    await connection.query(discarded ? "ROLLBACK" : "COMMIT");
    return result;
  } catch (error) {
    await connection.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

const TIMESTAMP_OID = 1114;
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === TIMESTAMP_OID ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function on(queryable: pg.Pool | pg.PoolClient): DirectSql {
  return {
    async query<Row>(statement: Prisma.Sql) {
      const text = statement.text;
      // A Date goes as UTC without a zone: the columns are timestamps without time zone.
      const values = statement.values.map((value) => (value instanceof Date ? value.toISOString() : value));
      const result = await queryable.query({ name: preparedStatementName(text), text, values, types });
      return result.rows as Row[];
    },
  };
}
