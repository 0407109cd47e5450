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
import { applyFloor, policyFor } from "@/lib/policy/risk-policy";
import { appendStepEvent } from "@/lib/tasks/timeline";
import { resumeAfterApproval } from "@/lib/approvals/resume-after-approval";
import type { ToolCall } from "./providers/conversation";
import type { AgentDeps } from "./run-task";
import type { RunWork } from "@/lib/tasks/run-lifecycle";
import { redactArguments, restoreRedacted, runToolCall, type ToolOutcome } from "./tool-step";

const DB_STEP = { retries: 10 };

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
  const tools = deps.tools();
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

  const decision = await ctx.step(
    `policy-${key}`,
    async () => {
      if (raisedBecause) {
        await appendStepEvent(deps.db, { taskId: work.taskId, runId: work.runId, stepKey: `egress-${key}`, type: "tool.egress", actor: "system", message: `${tool.name} counts as external: ${raisedBecause}` });
      }
      return applyFloor(await policyFor(deps.db, { userId: work.userId, toolName: tool.name, risk }), work.policyFloor, risk);
    },
    DB_STEP,
  );
  if (decision === "deny") {
    await ctx.step(`refuse-${key}`, () =>
      appendStepEvent(deps.db, { taskId: work.taskId, runId: work.runId, stepKey: `refuse-${key}`, type: "tool.refused", actor: "system", message: `Policy refused ${tool.name} on ${target}` }),
    );
    return { ok: false, output: `Refused: the person's policy does not allow ${tool.name} (${risk}). Do not try again; say what you could not do.` };
  }

  if (decision === "ask") {
    const approval = await ctx.step(
      `request-approval-${key}`,
      async () => {
        const created = await requestApproval(deps.db, {
          taskId: work.taskId,
          runId: work.runId,
          callId: call.id,
          toolName: tool.name,
          arguments: redactArguments(args) as Prisma.InputJsonValue,
          target,
          reason,
          risk,
          expiresAt: new Date(Date.now() + deps.approvalTtlMs),
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
      settled = await ctx.step(
        `settle-approval-${key}`,
        () => (woken === null ? expireApproval(deps.db, approval.id) : readApproval(deps.db, approval.id)),
        DB_STEP,
      );
    }
    const resumed = await ctx.step(`resume-${key}`, () => resumeAfterApproval(deps.db, { taskId: work.taskId, runId: work.runId }), DB_STEP);
    if (!resumed) return { kind: "canceled" };
    if (settled.status === "expired" || settled.status === "pending") {
      return { kind: "expired", reason: `Nobody approved ${tool.name} on ${target} in time, so it was not run.` };
    }
    if (settled.status === "denied") {
      const note = settled.decisionNote ? ` Their note: ${settled.decisionNote}` : "";
      return { ok: false, output: `The person denied this ${tool.name} call.${note} Do not repeat it; continue without it or explain.` };
    }
    // Arguments edited by the person were validated against the tool's schema when they decided.
    if (settled.editedArguments !== null) args = tool.input.parse(restoreRedacted(settled.editedArguments, args));
    // Approved once, the host may be read again in this run without asking (lib/policy/egress.ts).
    const approvedHost = egressHostOf(tool.reaches?.(args) ?? "");
    if (approvedHost) egress.approved.add(approvedHost);
  }

  const context = deps.toolContext(work);
  try {
    return await ctx.step(`tool-${key}`, () => runToolCall(deps.db, { tool, args, context, call: { key, id: call.id } }), { retries: tool.idempotent(args) ? 2 : 0 });
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    return { ok: false, output: `${tool.name} failed: ${error.message}` };
  }
}
