// After Inngest cancels a run-task run (its cancelOn matched a cancel signal), does what the DBOS
// workflow does when the cancel reaches it: stops the model's background response and closes the
// run as canceled. Both steps are no-ops for a run that already finished.
import { NonRetriableError } from "inngest";
import { z } from "zod";
import type { AgentDeps } from "@/lib/agent/run-task";
import { FUNCTION_CANCELLED_EVENT, MAX_STEP_RETRIES, qualifiedFunctionId, RUN_CANCELED_FUNCTION, RUN_TASK_FUNCTION } from "@/lib/engine/inngest/names";
import { finishRun } from "@/lib/tasks/run-lifecycle";
import { isTerminal } from "@/lib/tasks/status";
import { inngest, runRequestedData } from "./client";

const cancelledRun = z.object({ event: z.object({ data: runRequestedData }) });

export function createRunCanceledFunction(deps: () => Promise<AgentDeps>) {
  return inngest.createFunction(
    {
      id: RUN_CANCELED_FUNCTION,
      triggers: [{ event: FUNCTION_CANCELLED_EVENT, if: `event.data.function_id == "${qualifiedFunctionId(RUN_TASK_FUNCTION)}"` }],
      retries: MAX_STEP_RETRIES,
    },
    async ({ event, step }) => {
      const parsed = cancelledRun.safeParse(event.data);
      if (!parsed.success) throw new NonRetriableError("The cancelled run's event names no run.");
      const { runId } = parsed.data.event.data;
      const agent = await deps();
      await step.run("cancel-model", () => cancelModelResponse(agent, runId));
      await step.run("finish-canceled", () => finishRun(agent.db, { runId, outcome: "canceled" }));
    },
  );
}

async function cancelModelResponse(agent: AgentDeps, runId: string): Promise<void> {
  const run = await agent.db.run.findUnique({ where: { id: runId }, select: { status: true, provider: true, responseId: true } });
  if (!run?.responseId || isTerminal(run.status)) return;
  await agent.provider(run.provider).cancel(run.responseId).catch(() => undefined);
}
