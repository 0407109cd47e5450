// One tool call the model asked for, as durable steps: validate, consult the person's policy,
// wait for their decision when it says ask, then run the tool. Nothing the model or a tool output
// says can change the policy or a decision: those live in the database and only a signed-in
// person's request writes them.
import { approvalSignalTopic } from "@/lib/approvals/schemas";
import { requestApproval } from "@/lib/approvals/request-approval";
import { expireApproval, readApproval } from "@/lib/approvals/settle-approval";
import { StepFailedError, type DurableContext } from "@/lib/engine/port";
import { fieldErrorsOf } from "@/lib/http/respond";
import type { Prisma } from "@/lib/generated/prisma/client";
import { egressHostOf, egressRisk, type EgressContext } from "@/lib/policy/egress";
import { approvedPlanTools, offeredTools, PLAN_NEEDED } from "@/lib/plans/plan-first";
import { PROPOSE_PLAN_TOOL } from "@/lib/plans/propose-plan-tool";
import { applyFloor, policyFor, toolClassPolicyFor, type PolicyDecision } from "@/lib/policy/risk-policy";
import { appendStepEvent } from "@/lib/tasks/timeline";
import { resumeAfterApproval } from "@/lib/approvals/resume-after-approval";
import type { RiskClass, ToolCheckpoint, ToolDefinition } from "@/lib/tools/types";
import type { ToolCall } from "./providers/conversation";
import type { AgentDeps } from "./run-task";
import type { RunWork } from "@/lib/tasks/run-lifecycle";
import { redactArguments, restoreRedacted, runToolCall, type ToolOutcome } from "./tool-step";
import { runDurableTool } from "./durable-tool";
import { DB_STEP, SELF_RECORDING_DB_STEP } from "./step-options";


/** The run's egress context; approving a call adds its host to `approved`. */
export type RunEgress = EgressContext & { approved: Set<string> };

export type CallOutcome = ToolOutcome | { kind: "expired"; reason: string } | { kind: "canceled" };

export async function handleToolCall(
  ctx: DurableContext,
  deps: AgentDeps,
  work: RunWork,
  call: ToolCall,
  key: string,
  reason: string,
  egress: RunEgress,
): Promise<CallOutcome> {
  const tools = offeredTools(deps.tools(), work);
  const tool = tools.find((candidate) => candidate.name === call.name);
  if (!tool) return { ok: false, output: `There is no tool named ${call.name}. Available: ${tools.map((t) => t.name).join(", ")}.` };
  const parsed = tool.input.safeParse(call.arguments);
  if (!parsed.success) {
    const problems = Object.entries(fieldErrorsOf(parsed.error)).map(([field, messages]) => `${field}: ${messages.join(" ")}`);
    return { ok: false, output: `Invalid arguments for ${tool.name}: ${problems.join("; ")}` };
  }
  let args: unknown = parsed.data;
  const reaches = tool.reaches?.(args);
  const { risk, reason: raisedBecause } = egressRisk(tool.risk(args), reaches, egress);
  const target = tool.target(args);

  let decision = await ctx.step(
    `policy-${key}`,
    async () => {
      if (raisedBecause) {
        await appendStepEvent(deps.db, { taskId: work.taskId, runId: work.runId, stepKey: `egress-${key}`, type: "tool.egress", actor: "system", message: `${tool.name} counts as external: ${raisedBecause}` });
      }
      // A tool with a class of its own (computer use) starts only as that class's rule says.
      if (tool.policyClass) return toolClassPolicyFor(deps.db, { userId: work.userId, toolClass: tool.policyClass });
      return applyFloor(await policyFor(deps.db, { userId: work.userId, toolName: tool.name, risk }), work.policyFloor, risk);
    },
    DB_STEP,
  );
  if (work.planFirst) {
    const plan = await planDecision(ctx, deps, work, { key, toolName: tool.name, decision });
    if (plan === "no plan yet") return { ok: false, output: PLAN_NEEDED };
    decision = plan;
  }
  if (decision === "deny") {
    await ctx.step(`refuse-${key}`, () =>
      appendStepEvent(deps.db, { taskId: work.taskId, runId: work.runId, stepKey: `refuse-${key}`, type: "tool.refused", actor: "system", message: `Policy refused ${tool.name} on ${target}` }),
    );
    return { ok: false, output: `Refused: the person's policy does not allow ${tool.name} (${risk}). Do not try again; say what you could not do.` };
  }

  if (decision === "ask") {
    const settled = await askPerson(ctx, deps, work, { key, callId: call.id, toolName: tool.name, shownArguments: redactArguments(args), target, reason, risk });
    if (settled.kind !== "approved") return settled.outcome;
    // Arguments edited by the person were validated against the tool's schema when they decided.
    if (settled.editedArguments !== null) args = tool.input.parse(restoreRedacted(settled.editedArguments, args));
    // Approved once, the host may be read again in this run without asking (lib/policy/egress.ts).
    const approvedHost = egressHostOf(tool.reaches?.(args) ?? "");
    if (approvedHost) egress.approved.add(approvedHost);
  }

  if (tool.runDurably) return runDurableTool(ctx, deps, work, { tool, args, call, key });
  const checkpoints = tool.checkpoints?.(args) ?? [];
  if (checkpoints.length > 0) return runInSegments(ctx, deps, work, { tool, args, call, key, reason, checkpoints });
  return runTool(ctx, deps, work, { tool, args, call, key, stepName: `tool-${key}` });
}

/**
 * A plan-first task's say on a call: propose_plan always asks the person (no policy allows a plan
 * by itself); before an approved plan nothing else runs; a tool the approved plan names no longer
 * asks. A refusal by the policy stands either way.
 */
async function planDecision(
  ctx: DurableContext,
  deps: AgentDeps,
  work: RunWork,
  params: { key: string; toolName: string; decision: PolicyDecision },
): Promise<PolicyDecision | "no plan yet"> {
  const { key, toolName, decision } = params;
  if (toolName === PROPOSE_PLAN_TOOL) return "ask";
  return ctx.step(
    `plan-${key}`,
    async () => {
      const planned = await approvedPlanTools(deps.db, work.runId);
      if (planned === null) return "no plan yet";
      if (decision !== "ask" || !planned.includes(toolName)) return decision;
      await appendStepEvent(deps.db, { taskId: work.taskId, runId: work.runId, stepKey: `planned-${key}`, type: "tool.planned", actor: "system", message: `${toolName} runs without asking: the approved plan names it` });
      return "allow";
    },
    DB_STEP,
  );
}

async function runTool(
  ctx: DurableContext,
  deps: AgentDeps,
  work: RunWork,
  params: { tool: ToolDefinition; args: unknown; call: ToolCall; key: string; stepName: string; segment?: number },
): Promise<ToolOutcome> {
  const { tool, args, call, key } = params;
  const context = { ...deps.toolContext(work), ...(params.segment !== undefined ? { segment: params.segment } : {}) };
  try {
    return await ctx.step(params.stepName, () => runToolCall(deps.db, { tool, args, context, call: { key, id: call.id } }), { retries: tool.idempotent(args) ? 2 : 0 });
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    return { ok: false, output: `${tool.name} failed: ${error.message}` };
  }
}

export type PersonDecision = { kind: "approved"; editedArguments: Prisma.JsonValue | null } | { kind: "not approved"; outcome: CallOutcome };

/** Asks the person and waits, durably, for their decision (or the approval's expiry); `key` names the steps. */
export async function askPerson(
  ctx: DurableContext,
  deps: AgentDeps,
  work: RunWork,
  request: { key: string; callId: string; toolName: string; shownArguments: unknown; target: string; reason: string; risk: RiskClass },
): Promise<PersonDecision> {
  const { key, toolName, target } = request;
  const approval = await ctx.step(
    `request-approval-${key}`,
    async () => {
      // The request's window is exactly the TTL, however long the insert waits for a connection.
      const requestedAt = new Date();
      const created = await requestApproval(deps.db, {
        taskId: work.taskId,
        runId: work.runId,
        callId: request.callId,
        toolName,
        arguments: request.shownArguments as Prisma.InputJsonValue,
        target,
        reason: request.reason,
        risk: request.risk,
        requestedAt,
        expiresAt: new Date(requestedAt.getTime() + deps.approvalTtlMs),
      });
      return { id: created.id, expiresAt: created.expiresAt.getTime() };
    },
    DB_STEP,
  );
  // A decision recorded before this point (or while a worker was down) is read, not waited for.
  let settled = await ctx.step(`read-approval-${key}`, () => readApproval(deps.db, approval.id), DB_STEP);
  if (settled.status === "pending") {
    // Starting a delivery is idempotent per approval; should it fail, the person still sees the
    // request in the app, so the wait goes on either way.
    await ctx.step(`notify-approval-${key}`, () =>
      deps.notify({ id: `approval-${approval.id}`, kind: "approval", userId: work.userId, taskId: work.taskId, approvalId: approval.id }).catch(() => undefined),
    );
    const remainingMs = await ctx.step(`approval-wait-${key}`, async () => Math.max(0, approval.expiresAt - Date.now()));
    const woken = await ctx.waitForSignal(approvalSignalTopic(approval.id), { timeoutMs: remainingMs });
    // Both settle a decided request, after which it reads the same every time: no checkpoint needed.
    settled = await ctx.step(
      `settle-approval-${key}`,
      () => (woken === null ? expireApproval(deps.db, approval.id) : readApproval(deps.db, approval.id)),
      SELF_RECORDING_DB_STEP,
    );
  }
  const resumeKey = `resume-${key}`;
  const resumed = await ctx.step(resumeKey, () => resumeAfterApproval(deps.db, { taskId: work.taskId, runId: work.runId, stepKey: resumeKey }), SELF_RECORDING_DB_STEP);
  if (!resumed) return { kind: "not approved", outcome: { kind: "canceled" } };
  if (settled.status === "expired" || settled.status === "pending") {
    return { kind: "not approved", outcome: { kind: "expired", reason: `Nobody approved ${toolName} on ${target} in time, so it was not run.` } };
  }
  if (settled.status === "denied") {
    const note = settled.decisionNote ? ` Their note: ${settled.decisionNote}` : "";
    return { kind: "not approved", outcome: { ok: false, output: `The person denied this ${toolName} call.${note} Do not repeat it; continue without it or explain.` } };
  }
  return { kind: "approved", editedArguments: settled.editedArguments };
}

/**
 * A call with checkpoints (run_playbook's high-impact steps) runs in segments, each its own
 * durable step: segment 0 runs up to the first checkpoint; the person's policy for that
 * checkpoint's risk decides (and may ask, with the tool's picture of where it stands); segment k
 * carries out checkpoint k-1 once and goes on to the next. Nothing of the tool stays open while a
 * decision is awaited, so a wait of days costs nothing and survives any restart.
 */
async function runInSegments(
  ctx: DurableContext,
  deps: AgentDeps,
  work: RunWork,
  params: { tool: ToolDefinition; args: unknown; call: ToolCall; key: string; reason: string; checkpoints: ToolCheckpoint[] },
): Promise<CallOutcome> {
  const { tool, args, call, key, checkpoints } = params;
  const outputs: string[] = [];
  const joined = (ok: boolean, extra?: string): ToolOutcome => ({ ok, output: [...outputs, ...(extra ? [extra] : [])].join("\n") });
  for (let segment = 0; segment <= checkpoints.length; segment++) {
    const outcome = await runTool(ctx, deps, work, { tool, args, call, key: `${key}-segment-${segment}`, stepName: `tool-${key}-segment-${segment}`, segment });
    outputs.push(outcome.output);
    const checkpoint = checkpoints[segment];
    if (!outcome.ok || outcome.final || !checkpoint) return joined(outcome.ok);

    const stepKey = `${key}-${checkpoint.key}`;
    const decision = await ctx.step(
      `policy-${stepKey}`,
      async () => applyFloor(await policyFor(deps.db, { userId: work.userId, toolName: tool.name, risk: checkpoint.risk }), work.policyFloor, checkpoint.risk),
      DB_STEP,
    );
    if (decision === "deny") {
      await ctx.step(`refuse-${stepKey}`, () =>
        appendStepEvent(deps.db, { taskId: work.taskId, runId: work.runId, stepKey: `refuse-${stepKey}`, type: "tool.refused", actor: "system", message: `Policy refused ${tool.name} on ${checkpoint.target}` }),
      );
      return joined(false, `Refused: the person's policy does not allow ${tool.name} to ${checkpoint.target} (${checkpoint.risk}). Do not try again; say what you could not do.`);
    }
    if (decision === "ask") {
      const shownArguments = { ...(redactArguments(args) as object), ...checkpoint.shown, ...outcome.next };
      const settled = await askPerson(ctx, deps, work, { key: stepKey, callId: `${call.id}/${checkpoint.key}`, toolName: tool.name, shownArguments, target: checkpoint.target, reason: params.reason, risk: checkpoint.risk });
      if (settled.kind !== "approved") {
        const { outcome: refused } = settled;
        return "kind" in refused ? refused : joined(false, refused.output);
      }
    }
  }
  return joined(true);
}
