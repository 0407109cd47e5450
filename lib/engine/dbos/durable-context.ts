// DurableContext on DBOS: steps are DBOS steps (checkpointed in the system database), signals
// are DBOS messages, sleeps are durable DBOS sleeps. A step whose function records itself runs
// without a DBOS checkpoint (one write transaction and its reads fewer per step).
import { setTimeout as delay } from "node:timers/promises";
import { DBOS, Error as DbosErrors } from "@dbos-inc/dbos-sdk";
import type { Db } from "@/lib/db";
import { DBOS_SCHEMA } from "./names";
import { StepFailedError, type DurableContext, type StepOptions } from "../port";

const RETRY_INTERVAL_MS = 500;
const RETRY_BACKOFF = 2;

/**
 * `resumed`: some execution of this workflow ran before this one (a restart, a takeover).
 * `checkpointedSteps`: names of steps this workflow's history holds as DBOS steps. A run in flight
 * across an upgrade that made a step record itself has it there, and its replay must meet the same
 * DBOS steps in the same order: that step stays a DBOS step for that run. (A self-recording step
 * the history does not hold, before or after such ones, takes no DBOS step number either way.)
 * "all": every step is a DBOS step, as before steps recorded themselves.
 */
export function dbosDurableContext(options: { checkpointedSteps?: ReadonlySet<string> | "all"; resumed?: boolean } = {}): DurableContext {
  const checkpointed = (name: string) => options.checkpointedSteps === "all" || options.checkpointedSteps?.has(name) === true;
  const unrecorded = { mayHaveRun: options.resumed === true };
  const recorded = { mayHaveRun: false };
  return {
    async step(name, fn, stepOptions) {
      if (stepOptions?.recordsItself && !checkpointed(name)) return runUnrecorded(name, () => fn(unrecorded), stepOptions);
      const retries = stepOptions?.retries ?? 0;
      try {
        return await DBOS.runStep(() => fn(recorded), {
          name,
          retriesAllowed: retries > 0,
          maxAttempts: retries + 1,
          intervalSeconds: RETRY_INTERVAL_MS / 1000,
          backoffRate: RETRY_BACKOFF,
        });
      } catch (error) {
        // Engine errors (cancellation, nondeterminism) are not the step's failure: let them through.
        const retriesExhausted = error instanceof DbosErrors.DBOSMaxStepRetriesError;
        if (error instanceof DbosErrors.DBOSError && !retriesExhausted) throw error;
        const cause = retriesExhausted ? (error.errors.at(-1) ?? error) : error;
        throw new StepFailedError(name, cause);
      }
    },
    async waitForSignal(topic, { timeoutMs }) {
      return DBOS.recv(topic, timeoutMs / 1000);
    },
    async sleep(_name, ms) {
      await DBOS.sleep(ms);
    },
  };
}

/** The step's own retries, as DBOS would space them; its function is its own record. */
async function runUnrecorded<T>(name: string, fn: () => Promise<T>, options: StepOptions): Promise<T> {
  const attempts = (options.retries ?? 0) + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw new StepFailedError(name, error);
      await delay(RETRY_INTERVAL_MS * RETRY_BACKOFF ** (attempt - 1));
    }
  }
}

/**
 * The names of the steps this workflow's history holds. Read from DBOS's table, not through
 * DBOS.listWorkflowSteps: inside a workflow that call is itself recorded as a step.
 */
export async function recordedStepNames(db: Db, workflowId: string): Promise<Set<string>> {
  const rows = await db.$queryRawUnsafe<{ function_name: string }[]>(
    `SELECT DISTINCT function_name FROM "${DBOS_SCHEMA}".operation_outputs WHERE workflow_uuid = $1`,
    workflowId,
  );
  return new Set(rows.map((row) => row.function_name));
}
