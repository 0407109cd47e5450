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
 * Every parameterized statement is a named prepared statement, so each connection parses and plans
 * it once: a run's start and end are single statements of many parts, and planning them cost
 * Postgres more than running them; DBOS's own statements (its system pool is one of these too)
 * were planned on every call, 0.7 ms of Postgres per task. A connection keeps what it prepared
 * until it closes; the pool closes each after this many uses (a query, or a transaction), which
 * bounds that for statements whose text varies (a list's length).
 */
const USES_PER_CONNECTION = 5_000;

/** pg's client, naming each statement that has parameters by its text (one without is sent as a simple query). */
class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [config, values] = args;
    if (typeof config === "string" && Array.isArray(values) && values.length > 0) {
      args[0] = { name: preparedStatementName(config), text: config };
    } else if (isUnnamedWithValues(config)) {
      args[0] = { ...config, name: preparedStatementName(config.text) };
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

function isUnnamedWithValues(config: unknown): config is pg.QueryConfig {
  if (typeof config !== "object" || config === null || !("text" in config) || "name" in config) return false;
  const { values } = config as pg.QueryConfig;
  // A Query object (a cursor, a stream) carries its own protocol state: left as it is.
  return Array.isArray(values) && values.length > 0 && !(config instanceof pg.Query) && typeof (config as { submit?: unknown }).submit !== "function";
}

/**
 * A pool of preparing connections. An idle connection the server closed (a restart, a dropped
 * database) is replaced on the next use; idle, the pool lets the process exit.
 */
export function createPool(url: string, options: { max: number; applicationName?: string; idleInTransactionTimeoutMs?: number }): pg.Pool {
  const sessionOptions = options.idleInTransactionTimeoutMs ? `-c idle_in_transaction_session_timeout=${options.idleInTransactionTimeoutMs}` : undefined;
  const pool = new pg.Pool({
    Client: PreparingClient,
    connectionString: url,
    max: options.max,
    application_name: options.applicationName,
    options: sessionOptions,
    connectionTimeoutMillis: 5000,
    maxUses: USES_PER_CONNECTION,
    allowExitOnIdle: true,
  });
  pool.on("error", () => {});
  return pool;
}

// On the client itself, under a registry symbol: Next bundles this module into more than one
// layer (pages, route handlers), and a client made in one is used in all (globalThis above).
const POOL = Symbol.for("baton.db.pool");
type ClientWithPool = PrismaClient & { [POOL]?: pg.Pool };

export function createDb(url = databaseUrl()): PrismaClient {
  // The pool outlives $disconnect (Prisma reconnects through it).
  const pool = createPool(url, { max: 10 });
  const client = new PrismaClient({ adapter: new PrismaPg(pool) });
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
      const result = await queryable.query({ text, values, types });
      return result.rows as Row[];
    },
  };
}
