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
 * `checkpointsEverything`: for a workflow whose history was recorded before steps could record
 * themselves (a run in flight across the upgrade that introduced them): its replay must meet the
 * same DBOS steps in the same order, so every step is a DBOS step again.
 */
export function dbosDurableContext(options: { checkpointsEverything?: boolean } = {}): DurableContext {
  return {
    async step(name, fn, stepOptions) {
      if (stepOptions?.recordsItself && !options.checkpointsEverything) return runUnrecorded(name, fn, stepOptions);
      const retries = stepOptions?.retries ?? 0;
      try {
        return await DBOS.runStep(fn, {
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
 * Whether this workflow's recorded history has a step by this name. Read from DBOS's table, not
 * through DBOS.listWorkflowSteps: inside a workflow that call is itself recorded as a step.
 */
export async function historyHasStep(db: Db, workflowId: string, stepName: string): Promise<boolean> {
  const [row] = await db.$queryRawUnsafe<{ found: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM "${DBOS_SCHEMA}".operation_outputs WHERE workflow_uuid = $1 AND function_name = $2) AS found`,
    workflowId,
    stepName,
  );
  return row?.found === true;
}
