// Shared by the bench and its graphile-worker process.
export const GRAPHILE_SCHEMA = "bench_graphile_worker";
/** One row per job, written by the job's three steps; timestamps from the database's clock. */
export const GRAPHILE_TABLE = "bench_graphile_tasks";
export const GRAPHILE_TASK = "bench_task";
