// The embedded Postgres starts wherever Baton is cloned: as root it runs as the postgres user,
// which cannot enter a folder such as /root or a `mktemp -d` one (0700).
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/lib/database/embedded-postgres";
import { packagedNativeDir, removeBinaryCopy, removeRelocatedData } from "@/lib/database/postgres-install";

const PORT = 25648;
const privateFolder = mkdtempSync(path.join(tmpdir(), "baton-private-"));
// Like a clone in /root/baton: the binaries (node_modules) and the data folder both inside it.
const clone = path.join(privateFolder, "baton");
const nativeDir = path.join(clone, "node_modules", "native");
const dataDir = path.join(clone, ".baton");

afterAll(() => {
  removeRelocatedData(path.join(dataDir, "postgres"));
  removeBinaryCopy(nativeDir);
  rmSync(privateFolder, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("the embedded Postgres in a folder closed to other users", () => {
  it("starts, keeps its data across a restart, and a reset starts empty", async () => {
    mkdirSync(path.dirname(nativeDir), { recursive: true });
    cpSync(packagedNativeDir(), nativeDir, { recursive: true, verbatimSymlinks: true });

    const first = await startEmbeddedPostgres({ dataDir, port: PORT, nativeDir });
    await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('still here')");
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port: PORT, nativeDir });
    expect(await query(second.url, "SELECT note FROM kept")).toEqual([{ note: "still here" }]);
    await second.stop();

    // Deleting the data folder is how a person resets Baton: wherever the cluster lived, it is gone.
    rmSync(dataDir, { recursive: true, force: true });
    const third = await startEmbeddedPostgres({ dataDir, port: PORT, nativeDir });
    const tables = await query<{ count: string }>(third.url, "SELECT count(*) FROM pg_tables WHERE tablename = 'kept'");
    expect(tables).toEqual([{ count: "0" }]);
    await third.stop();
  });

  it("says in one line what failed when the programs cannot be run", async () => {
    const missing = path.join(privateFolder, "no-binaries");
    const failure = startEmbeddedPostgres({ dataDir: path.join(privateFolder, "other"), port: PORT + 1, nativeDir: missing });
    await expect(failure).rejects.toThrow(/^PostgreSQL could not be started: .*no-binaries\/bin\/postgres is missing; reinstall with `npm install`/);
  });
});
