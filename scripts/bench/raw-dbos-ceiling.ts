// The bench's side of the engine ceiling: starts raw-dbos-worker.ts, enqueues its three-step
// workflow through DBOSClient from concurrent creators (as Baton's createTask enqueues a run), and
// reads each workflow's times from DBOS's own table.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { DBOSClient } from "@dbos-inc/dbos-sdk";
import pg from "pg";
import { quietDbosLogger } from "../../lib/engine/dbos/quiet-logger";
import { RAW_APP, RAW_QUEUE, RAW_SCHEMA, RAW_WORKFLOW } from "./raw-dbos-names";

export interface RawTiming {
  created: number;
  /** When a worker took it off the queue: the ceiling's "running". */
  dequeued: number | null;
  finished: number | null;
  status: string;
}

export interface RawCeiling {
  pid: number;
  /** `count` workflows from `creators` concurrent loops (paced at `rate` per second if given). */
  burst(batch: string, count: number, creators: number, rate?: number): Promise<RawTiming[]>;
  close(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../..");

export async function startRawCeiling(databaseUrl: string, settings: { concurrency: number; pollMs: number }): Promise<RawCeiling> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/bench/raw-dbos-worker.ts"], {
    cwd: root,
    env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, RAW_DATABASE_URL: databaseUrl, RAW_CONCURRENCY: String(settings.concurrency), RAW_POLL_MS: String(settings.pollMs) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the raw DBOS worker did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("raw worker ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => reject(new Error(`the raw DBOS worker exited (${code}):\n${output}`)));
  });
  const client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl, systemDatabaseSchemaName: RAW_SCHEMA, applicationName: RAW_APP, systemDatabasePoolSize: 5, logger: quietDbosLogger() });
  const reader = new pg.Pool({ connectionString: databaseUrl, max: 1 });

  const timings = async (batch: string): Promise<RawTiming[]> => {
    const { rows } = await reader.query<{ created: string; dequeued: string | null; finished: string; status: string }>(
      `SELECT created_at AS created, started_at_epoch_ms AS dequeued, updated_at AS finished, status FROM "${RAW_SCHEMA}".workflow_status WHERE workflow_uuid LIKE $1`,
      [`${batch}-%`],
    );
    return rows.map((row) => ({
      created: Number(row.created),
      dequeued: row.dequeued === null ? null : Number(row.dequeued),
      finished: row.status === "SUCCESS" ? Number(row.finished) : null,
      status: row.status,
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
          await client.enqueue({ queueName: RAW_QUEUE, workflowName: RAW_WORKFLOW, workflowID: `${batch}-${n}`, appVersion: "1" }, n);
        }
      };
      await Promise.all(Array.from({ length: Math.min(creators, count) }, creator));
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the raw DBOS worker exited:\n${output}`);
        const done = await timings(batch);
        if (done.filter((timing) => timing.finished !== null || timing.status === "ERROR").length >= count) return done;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await Promise.allSettled([client.destroy(), reader.end()]);
      child.kill("SIGTERM");
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once("exit", resolve)));
    },
  };
}
