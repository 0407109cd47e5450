// DurableContext on DBOS: steps are DBOS steps (checkpointed in the system database), signals
// are DBOS messages, sleeps are durable DBOS sleeps.
import { DBOS, Error as DbosErrors } from "@dbos-inc/dbos-sdk";
import { StepFailedError, type DurableContext } from "../port";

export const dbosDurableContext: DurableContext = {
  async step(name, fn, options) {
    const retries = options?.retries ?? 0;
    try {
      return await DBOS.runStep(fn, {
        name,
        retriesAllowed: retries > 0,
        maxAttempts: retries + 1,
        intervalSeconds: 0.5,
        backoffRate: 2,
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
