// graphile-worker for `npm run bench --graphile`: a peer Postgres queue on the same server (its
// own schema), whose job is three UPDATEs of the bench's row, as a Baton task's steps write its
// rows. Same concurrency as Baton's worker; it wakes on LISTEN/NOTIFY, so its poll is a fallback.
//   GRAPHILE_DATABASE_URL  GRAPHILE_CONCURRENCY=50
import { run, type Logger } from "graphile-worker";
import { Logger as GraphileLogger } from "graphile-worker";
import { GRAPHILE_SCHEMA, GRAPHILE_TABLE, GRAPHILE_TASK } from "./graphile-names";

async function main(): Promise<void> {
  const concurrency = Number(process.env.GRAPHILE_CONCURRENCY || 50);
  // Errors only: the bench's output is its figures.
  const logger: Logger = new GraphileLogger(() => (level, message) => {
    if (level === "error") console.error(`[graphile] ${message}`);
  });
  const runner = await run({
    connectionString: process.env.GRAPHILE_DATABASE_URL!,
    schema: GRAPHILE_SCHEMA,
    concurrency,
    maxPoolSize: Math.max(10, Math.min(50, concurrency)),
    logger,
    noHandleSignals: true,
    taskList: {
      [GRAPHILE_TASK]: async (payload, helpers) => {
        const { id } = payload as { id: number };
        await helpers.query(`UPDATE ${GRAPHILE_TABLE} SET step = 1, started_at = clock_timestamp() WHERE id = $1`, [id]);
        await helpers.query(`UPDATE ${GRAPHILE_TABLE} SET step = 2 WHERE id = $1`, [id]);
        await helpers.query(`UPDATE ${GRAPHILE_TABLE} SET step = 3, finished_at = clock_timestamp() WHERE id = $1`, [id]);
      },
    },
  });
  console.log("graphile worker ready");
  const stop = () => void runner.stop().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`[graphile worker] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
