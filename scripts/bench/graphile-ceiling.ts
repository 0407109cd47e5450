// The bench's side of graphile-worker (BENCH_GRAPHILE=1 or --graphile): starts graphile-worker.ts,
// adds jobs from concurrent creators (each its row and its job in one statement, as Baton's task
// and workflow commit together), and reads each job's times from the row its steps wrote.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { GRAPHILE_SCHEMA, GRAPHILE_TABLE, GRAPHILE_TASK } from "./graphile-names";
import type { RawCeiling, RawTiming } from "./raw-dbos-ceiling";

const root = path.resolve(import.meta.dirname, "../..");

export async function startGraphile(databaseUrl: string, settings: { concurrency: number; creators: number }): Promise<RawCeiling> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Math.max(1, Math.min(settings.creators, 20)) });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${GRAPHILE_TABLE} (id bigserial PRIMARY KEY, batch text NOT NULL, step int NOT NULL DEFAULT 0,
       created_at timestamptz NOT NULL DEFAULT clock_timestamp(), started_at timestamptz, finished_at timestamptz)`,
  );
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/bench/graphile-worker.ts"], {
    cwd: root,
    env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, GRAPHILE_DATABASE_URL: databaseUrl, GRAPHILE_CONCURRENCY: String(settings.concurrency) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`graphile-worker did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("graphile worker ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => reject(new Error(`graphile-worker exited (${code}):\n${output}`)));
  });

  const timings = async (batch: string): Promise<RawTiming[]> => {
    const { rows } = await pool.query<{ created: Date; started: Date | null; finished: Date | null }>(
      `SELECT created_at AS created, started_at AS started, finished_at AS finished FROM ${GRAPHILE_TABLE} WHERE batch = $1`,
      [batch],
    );
    return rows.map((row) => ({
      created: row.created.getTime(),
      dequeued: row.started?.getTime() ?? null,
      finished: row.finished?.getTime() ?? null,
      status: row.finished ? "SUCCESS" : "PENDING",
    }));
  };

  return {
    pid: child.pid!,
    async burst(batch, count, creators, rate) {
      const begin = performance.now();
      let next = 0;
      const creator = async () => {
        while (next < count) {
          const n = next++;
          if (rate) await new Promise((resolve) => setTimeout(resolve, begin + (n * 1000) / rate - performance.now()));
          await pool.query(
            `WITH t AS (INSERT INTO ${GRAPHILE_TABLE} (batch) VALUES ($1) RETURNING id)
             SELECT "${GRAPHILE_SCHEMA}".add_job($2, json_build_object('id', t.id)) FROM t`,
            [batch, GRAPHILE_TASK],
          );
        }
      };
      await Promise.all(Array.from({ length: Math.min(creators, count) }, creator));
      for (;;) {
        if (child.exitCode !== null) throw new Error(`graphile-worker exited:\n${output}`);
        const done = await timings(batch);
        if (done.filter((timing) => timing.finished !== null).length >= count) return done;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await pool.end().catch(() => {});
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    },
  };
}
