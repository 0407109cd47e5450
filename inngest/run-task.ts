// One run of a task: the same runTask workflow the DBOS worker runs, through the Inngest durable
// context. Triggered by the run-requested event; ended early by a cancel signal for the run.
import { runTask, type AgentDeps } from "@/lib/agent/run-task";
import { inngestDurableContext } from "@/lib/engine/inngest/durable-context";
import { MAX_STEP_RETRIES, RUN_TASK_FUNCTION } from "@/lib/engine/inngest/names";
import { SIGNAL_CANCEL } from "@/lib/engine/port";
import { inngest, runRequested, runSignal } from "./client";

export function createRunTaskFunction(deps: () => Promise<AgentDeps>) {
  return inngest.createFunction(
    {
      id: RUN_TASK_FUNCTION,
      triggers: [runRequested],
      retries: MAX_STEP_RETRIES,
      // One active Inngest run per Baton run, as DBOS's workflow id gives: a repeated start is skipped.
      singleton: { key: "event.data.runId", mode: "skip" },
      // A cancel stops the run at its next step; run-canceled then stops the model and closes the run.
      cancelOn: [{ event: runSignal, if: `async.data.runId == event.data.runId && async.data.topic == "${SIGNAL_CANCEL}"` }],
    },
    async ({ event, step, attempt }) => {
      const { runId, startAt } = event.data;
      if (startAt) await step.sleepUntil("wait-for-start", startAt);
      const agent = await deps();
      await runTask(inngestDurableContext({ step, attempt, signals: { db: agent.db, runId } }), agent, runId);
    },
  );
}
