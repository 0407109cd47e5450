// DurableContext on Inngest: steps are `step.run` (memoized by Inngest, retried per the port's
// StepOptions), sleeps are `step.sleep`, and a wait for a signal reads the signal store before and
// after `step.waitForEvent`, because Inngest only matches events sent after a wait began.
// The cancel signal is Inngest's `cancelOn` (see inngest/run-task.ts), so it is never waited for.
import { NonRetriableError, StepError, type GetStepTools } from "inngest";
import type { Db } from "@/lib/db";
import { SIGNAL_CANCEL, StepFailedError, type DurableContext, type StepRun } from "../port";
import { MAX_STEP_RETRIES, signalMatch } from "./names";
import { takeSignal } from "./signal-store";
import { runSignal, type inngest } from "@/inngest/client";

type Steps = Pick<GetStepTools<typeof inngest>, "run" | "waitForEvent" | "sleep">;

export interface InngestContextOptions {
  step: Steps;
  /** The function's `attempt`: how often the step being run has failed before (0 the first time). */
  attempt: number;
  /** Where this run's signals are kept; a workflow without signals (push delivery) has none. */
  signals?: { db: Db; runId: string };
}

/** Durable waits have a resolution of a second; shorter ones are rounded up, as Inngest would. */
const MIN_WAIT_MS = 1000;
/** Wake-ups by an event whose signal another wait already read, before a wait gives up early. */
const MAX_SPURIOUS_WAKES = 5;

export function inngestDurableContext(options: InngestContextOptions): DurableContext {
  const { step, attempt } = options;
  // Step ids of waits are derived from their topic and how many waits on it came before, which is
  // the same on every replay of the function.
  const waitsPerTopic = new Map<string, number>();

  async function runStep<T>(name: string, fn: (run: StepRun) => Promise<T>, retries: number): Promise<T> {
    try {
      const result = await step.run(name, async () => {
        try {
          // Inngest memoizes every step: none needs to look for a record of its own.
          return await fn({ mayHaveRun: false });
        } catch (error) {
          throw attempt >= Math.min(retries, MAX_STEP_RETRIES) ? finalFailure(error) : error;
        }
      });
      // Inngest returns the step's result as JSON (undefined becomes null), like a replayed DBOS step.
      return result as T;
    } catch (error) {
      // A step that failed for good comes back as StepError, named and worded like the original.
      if (error instanceof StepError) throw new StepFailedError(name, error);
      throw error;
    }
  }

  return {
    step: (name, fn, stepOptions) => runStep(name, fn, stepOptions?.retries ?? 0),

    async sleep(name, ms) {
      await step.sleep(name, Math.max(MIN_WAIT_MS, Math.ceil(ms)));
    },

    async waitForSignal<T>(topic: string, { timeoutMs }: { timeoutMs: number }): Promise<T | null> {
      const count = (waitsPerTopic.get(topic) ?? 0) + 1;
      waitsPerTopic.set(topic, count);
      const id = `wait-${topic.replace(/[^\w-]+/g, "-")}-${count}`;
      // A cancel ends the whole run through cancelOn, at its next step: waiting for one is waiting.
      if (topic === SIGNAL_CANCEL) {
        await step.sleep(id, Math.max(MIN_WAIT_MS, Math.ceil(timeoutMs)));
        return null;
      }
      const signals = options.signals;
      if (!signals) throw new Error(`This workflow has no signals to wait for (topic ${topic}).`);
      const read = (reader: string) => takeSignal(signals.db, { runId: signals.runId, topic, reader });

      // Reading is a database step: retried like one (a retried read returns the same signal).
      const first = await runStep(`${id}-read`, async () => ({ signal: await read(`${id}-read`), deadline: Date.now() + timeoutMs }), MAX_STEP_RETRIES);
      if (first.signal) return first.signal.payload as T;
      let remainingMs = timeoutMs;
      for (let wake = 1; wake <= MAX_SPURIOUS_WAKES && remainingMs > 0; wake++) {
        const event = await step.waitForEvent(`${id}-event-${wake}`, {
          event: runSignal,
          timeout: Math.max(MIN_WAIT_MS, Math.ceil(remainingMs)),
          if: signalMatch(signals.runId, topic),
        });
        // Woken or timed out, the store decides: a signal whose event came just before the wait
        // began is found here too (or sent again by the schedule tick's redelivery).
        const after = await runStep(
          `${id}-read-${wake}`,
          async () => ({ signal: await read(`${id}-read-${wake}`), remainingMs: first.deadline - Date.now() }),
          MAX_STEP_RETRIES,
        );
        if (after.signal) return after.signal.payload as T;
        if (event === null) return null;
        // Woken by an event whose signal was already read (a duplicate): wait out the rest.
        remainingMs = after.remainingMs;
      }
      return null;
    },
  };
}

/** Ends a step's retries early; keeps the error's name, which the workflow reads (ModelError). */
function finalFailure(error: unknown): NonRetriableError {
  const final = new NonRetriableError(error instanceof Error ? error.message : String(error), { cause: error });
  if (error instanceof Error) final.name = error.name;
  return final;
}
