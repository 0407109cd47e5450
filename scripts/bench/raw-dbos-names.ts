// Names the raw DBOS ceiling's worker (raw-dbos-worker.ts) and the bench that feeds it share.
export const RAW_SCHEMA = "dbos_raw";
export const RAW_APP = "bench-raw";
export const RAW_QUEUE = "raw-queue";
export const RAW_WORKFLOW = "three-trivial-steps";
