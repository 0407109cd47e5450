// Applies prisma/migrations with Prisma's own schema engine compiled to WASM, so migrations run
// offline. It records them in _prisma_migrations, the table `prisma migrate deploy` also uses.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type * as SchemaEngineModule from "@prisma/schema-engine-wasm";

const root = process.cwd();
export const schemaPath = path.join(root, "prisma", "schema.prisma");
export const migrationsDir = path.join(root, "prisma", "migrations");
/** schema.prisma as of the latest migration: the starting point of the next one. */
export const schemaSnapshotPath = path.join(migrationsDir, "schema.snapshot.prisma");
const noFilters = { externalTables: [], externalEnums: [] };

type SchemaEngine = SchemaEngineModule.SchemaEngine;

let schemaEngineModule: Promise<typeof SchemaEngineModule> | undefined;

/** Once per process: a second instantiation over the same cached bindings panics inside the engine. */
function loadSchemaEngine(): Promise<typeof SchemaEngineModule> {
  schemaEngineModule ??= instantiateSchemaEngine();
  return schemaEngineModule;
}

/** Instantiates the engine's .wasm by hand: Node 20 cannot import .wasm as an ES module unflagged. */
async function instantiateSchemaEngine(): Promise<typeof SchemaEngineModule> {
  const require = createRequire(import.meta.url);
  const bindingsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bindings = (await import(bindingsPath)) as typeof SchemaEngineModule & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
  };
  const wasmBytes = readFileSync(path.join(path.dirname(bindingsPath), "schema_engine_bg.wasm"));
  const { instance } = await WebAssembly.instantiate(wasmBytes, { "./schema_engine_bg.js": bindings });
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bindings;
}

/**
 * The pg adapter runs a migration script by splitting it on every ";", which breaks dollar-quoted
 * function bodies and comments. Postgres runs a multi-statement simple query as one implicit
 * transaction, which is also what `prisma migrate deploy` does, so the script goes over whole.
 */
class WholeScriptPg extends PrismaPg {
  /** Connections handed to the engine: closed when it is done, which releases its advisory lock now. */
  readonly opened: Array<{ dispose(): Promise<void> }> = [];

  override async connect() {
    const adapter = await super.connect();
    this.opened.push(adapter);
    const pool = adapter.underlyingDriver() as { query(sql: string): Promise<unknown> };
    adapter.executeScript = async (script: string) => {
      await pool.query(script);
    };
    return adapter;
  }
}

async function withEngine<T>(url: string, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngine();
  const pg = new WholeScriptPg({ connectionString: url });
  const adapter = bindMigrationAwareSqlAdapterFactory(pg);
  const datamodel = readFileSync(schemaPath, "utf8");
  const engine = await SchemaEngine.new({ datamodels: [[schemaPath, datamodel]] }, () => {}, adapter);
  try {
    return await work(engine);
  } finally {
    engine.free();
    await Promise.allSettled(pg.opened.map((connection) => connection.dispose()));
  }
}

export function readMigrationsList(): SchemaEngineModule.MigrationList {
  const lockPath = path.join(migrationsDir, "migration_lock.toml");
  const names = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

/** Applies every migration not yet recorded; returns the names it applied. */
export async function applyMigrations(url: string): Promise<string[]> {
  return withEngine(url, async (engine) => {
    const result = await engine.applyMigrations({ migrationsList: readMigrationsList(), filters: noFilters });
    return result.appliedMigrationNames;
  });
}

/**
 * The SQL that takes the database from the schema of the latest migration (kept as a snapshot
 * beside the migrations) to what schema.prisma says now. A datamodel-to-datamodel diff needs no
 * shadow database, which the WASM engine cannot introspect on Postgres 18.
 */
export async function diffSnapshotToSchema(url: string): Promise<string> {
  return withEngine(url, async (engine) => {
    const datamodel = readFileSync(schemaPath, "utf8");
    const from: SchemaEngineModule.DiffTarget = existsSync(schemaSnapshotPath)
      ? { tag: "schemaDatamodel", files: [{ path: schemaSnapshotPath, content: readFileSync(schemaSnapshotPath, "utf8") }] }
      : { tag: "empty" };
    const result = await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: datamodel }] },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return result.stdout ?? "";
  });
}
