// The seam for a tool that is a loop of its own (use_browser): instead of one step around
// tool.run, the tool gets the workflow's durable context and runs its own steps, asking the person
// through the same askPerson path as every tool. Its outcome is recorded once, like any call's.
import type { DurableContext } from "@/lib/engine/port";
import type { Prisma } from "@/lib/generated/prisma/client";
import { applyFloor, policyFor } from "@/lib/policy/risk-policy";
import { redactSecrets } from "@/lib/redact";
import type { RunWork } from "@/lib/tasks/run-lifecycle";
import { appendStepEvent } from "@/lib/tasks/timeline";
import type { DurableToolRun, ToolDefinition } from "@/lib/tools/types";
import { askPerson, type CallOutcome } from "./handle-tool-call";
import type { ToolCall } from "./providers/conversation";
import type { AgentDeps } from "./run-task";
import { redactArguments } from "./tool-step";
import { DB_STEP } from "./step-options";

const MAX_OUTPUT_CHARS = 20_000;

export async function runDurableTool(
  ctx: DurableContext,
  deps: AgentDeps,
  work: RunWork,
  params: { tool: ToolDefinition; args: unknown; call: ToolCall; key: string },
): Promise<CallOutcome> {
  const { tool, args, call, key } = params;
  const context = { ...deps.toolContext(work), idempotencyKey: `${work.runId}/${key}` };
  const run: DurableToolRun = {
    ctx,
    context,
    key,
    callId: call.id,
    notify: (notification) => deps.notify(notification),
    decide: (risk) =>
      ctx.step(`policy-${key}-${risk}`, async () => applyFloor(await policyFor(deps.db, { userId: work.userId, toolName: tool.name, risk }), work.policyFloor, risk), DB_STEP),
    async ask(request) {
      const settled = await askPerson(ctx, deps, work, {
        key: `${key}-${request.key}`,
        callId: `${call.id}/${request.key}`,
        toolName: tool.name,
        shownArguments: request.shownArguments,
        target: request.target,
        reason: request.reason,
        risk: request.risk,
      });
      if (settled.kind === "approved") return { decision: "approved" };
      const outcome = settled.outcome;
      if ("kind" in outcome) return { decision: outcome.kind };
      return { decision: "denied", note: outcome.output };
    },
  };
  const ending = await tool.runDurably!(args, run);
  if (ending.kind === "expired" || ending.kind === "canceled") return ending;
  const ok = ending.kind === "result";
  const output = ok ? JSON.stringify(ending.result.output).slice(0, MAX_OUTPUT_CHARS) : ending.message;
  const summary = ok ? ending.result.summary : ending.message;
  await ctx.step(
    `tool-${key}`,
    () =>
      appendStepEvent(deps.db, {
        taskId: work.taskId,
        runId: work.runId,
        stepKey: `tool-${key}`,
        type: ok ? "tool.called" : "tool.failed",
        actor: "agent",
        message: redactSecrets(`${tool.name}${ok ? ": " : " failed: "}${summary}`).slice(0, 500),
        data: { tool: tool.name, arguments: redactArguments(args) as Prisma.InputJsonValue, result: redactSecrets(output.slice(0, 1_000)) },
      }),
    DB_STEP,
  );
  return { ok, output };
}
