// The engine's ceiling for `npm run bench`: a DBOS worker whose workflow is three trivial steps,
// on the same Postgres (a schema of its own) and with the queue settings Baton's worker uses. Baton
// can go no faster than this; the bench prints both and their ratio.
//   RAW_DATABASE_URL  RAW_CONCURRENCY=50  RAW_POLL_MS=50
import { DBOS } from "@dbos-inc/dbos-sdk";
import { quietDbosLogger } from "../../lib/engine/dbos/quiet-logger";
import { RAW_APP, RAW_QUEUE, RAW_SCHEMA, RAW_WORKFLOW } from "./raw-dbos-names";

async function main(): Promise<void> {
  const concurrency = Number(process.env.RAW_CONCURRENCY || 50);
  DBOS.setConfig({
    name: RAW_APP,
    systemDatabaseUrl: process.env.RAW_DATABASE_URL!,
    systemDatabaseSchemaName: RAW_SCHEMA,
    // As Baton's worker sizes its pool.
    systemDatabasePoolSize: Math.max(10, Math.min(50, concurrency)),
    executorID: "raw-worker",
    applicationVersion: "1",
    logger: quietDbosLogger(),
  });
  DBOS.registerWorkflow(
    async (start: number) => {
      let value = start;
      for (let step = 1; step <= 3; step++) value = await DBOS.runStep(async () => value + 1, { name: `step-${step}` });
      return value;
    },
    { name: RAW_WORKFLOW },
  );
  await DBOS.launch();
  await DBOS.registerQueue(RAW_QUEUE, { workerConcurrency: concurrency, minPollingIntervalMs: Number(process.env.RAW_POLL_MS || 50), onConflict: "always_update" });
  console.log("raw worker ready");
  const stop = () => void DBOS.shutdown().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[raw worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
