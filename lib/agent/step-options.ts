import type { StepOptions } from "@/lib/engine/port";

/** A step that only reads and writes Baton's database: idempotent, so it may retry through a database restart. */
export const DB_STEP: StepOptions = { retries: 10 };

/**
 * A database step whose own rows are its record (it reads back what an earlier execution wrote,
 * or reads state that no longer changes): it needs no engine checkpoint.
 */
export const SELF_RECORDING_DB_STEP: StepOptions = { ...DB_STEP, recordsItself: true };
