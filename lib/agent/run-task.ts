// The task workflow, written once against the durable-context port. It orchestrates; the work
// itself lives in domain functions called inside steps. Step names are part of the durable
// history: renaming one is a migration.
import type { Db } from "@/lib/db";
import { saveArtifact } from "@/lib/artifacts/save-artifact";
import { SIGNAL_CANCEL, StepFailedError, type DurableContext } from "@/lib/engine/port";
import { redactSecrets } from "@/lib/redact";
import { beginRun, finishRun, recordModelResponse, type RunWork } from "@/lib/tasks/run-lifecycle";
import { ModelError, type ModelProvider, type ModelResult } from "./providers/types";

export interface AgentDeps {
  db: Db;
  provider(id: string): ModelProvider;
  /** Longest wait between two polls of a background response. */
  pollIntervalMs: number;
  /** A background response still unfinished after this long is canceled and the run fails. */
  modelTimeoutMs: number;
}

// Database steps are idempotent, so they may retry through a database restart.
const DB_STEP = { retries: 10 };
const MODEL_STEP = { retries: 2 };

export const AGENT_INSTRUCTIONS =
  "You are Baton, an agent doing a task for a person who is not watching. Do the task as asked " +
  "and answer in Markdown, starting with a one-line summary. Say plainly what you could not do.";

type ModelOutcome = { kind: "done"; result: ModelResult } | { kind: "failed"; message: string } | { kind: "canceled" };

export async function runTask(ctx: DurableContext, deps: AgentDeps, runId: string): Promise<void> {
  const work = await ctx.step("begin-run", () => beginRun(deps.db, runId), DB_STEP);
  if (!work) return;
  try {
    const outcome = await askModel(ctx, deps, work);
    if (outcome.kind === "canceled") {
      await ctx.step("finish-canceled", () => finishRun(deps.db, { runId, outcome: "canceled" }), DB_STEP);
      return;
    }
    if (outcome.kind === "failed") {
      await ctx.step("fail-run", () => finishRun(deps.db, { runId, outcome: "failed", reason: outcome.message }), DB_STEP);
      return;
    }
    const { result } = outcome;
    await ctx.step(
      "write-artifact",
      () => saveArtifact(deps.db, { taskId: work.taskId, runId, name: "answer.md", kind: "markdown", content: redactSecrets(result.text) }),
      DB_STEP,
    );
    await ctx.step("finish-run", () => finishRun(deps.db, { runId, outcome: "completed", usage: result.usage }), DB_STEP);
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    const reason = describeFailure(error);
    await ctx.step("fail-run", () => finishRun(deps.db, { runId, outcome: "failed", reason }), DB_STEP);
  }
}

async function askModel(ctx: DurableContext, deps: AgentDeps, work: RunWork): Promise<ModelOutcome> {
  const provider = deps.provider(work.provider);
  const request = { model: work.model, instructions: AGENT_INSTRUCTIONS, input: work.prompt };
  const started = await ctx.step(
    "start-model",
    async () => {
      const start = await provider.start(request, { idempotencyKey: `${work.runId}-start-model` });
      if (start.kind === "background") {
        await recordModelResponse(deps.db, { runId: work.runId, taskId: work.taskId, responseId: start.responseId, model: work.model });
      }
      return start;
    },
    MODEL_STEP,
  );
  if (started.kind === "done") return started;

  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    // Short waits first (fast answers come back fast), then the configured interval.
    const wait = Math.min(deps.pollIntervalMs, 25 * 2 ** attempt);
    waited += wait;
    const cancel = await ctx.waitForSignal(SIGNAL_CANCEL, { timeoutMs: wait });
    if (cancel !== null || waited > deps.modelTimeoutMs) {
      await ctx.step("cancel-model", () => provider.cancel(started.responseId).catch(() => undefined));
      return cancel !== null
        ? { kind: "canceled" }
        : { kind: "failed", message: `The model did not answer within ${Math.round(deps.modelTimeoutMs / 60_000)} minutes.` };
    }
    const poll = await ctx.step(`poll-model-${attempt}`, () => provider.poll(started.responseId), MODEL_STEP);
    if (poll.kind === "done") return poll;
    if (poll.kind === "failed") return { kind: "failed", message: redactSecrets(poll.message) };
  }
}

function describeFailure(error: StepFailedError): string {
  const cause = error.cause;
  // A replayed step error comes back deserialized, so match on the name too.
  const fromModel = cause instanceof ModelError || (cause instanceof Error && cause.name === "ModelError");
  const message = fromModel ? (cause as Error).message : `Step ${error.stepName} failed: ${error.message}`;
  return redactSecrets(message).slice(0, 500);
}
