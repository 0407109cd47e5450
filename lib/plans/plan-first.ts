// A plan-first task: until the person approves a plan (propose_plan) the agent may use no other
// tool; after, the plan's tools run without asking for the rest of the run, and anything else
// follows the person's policy as before. The approved plan is read from the approval itself (the
// person's edit if they made one), so nothing the agent says can widen it.
import type { Db } from "@/lib/db";
import type { ToolDefinition } from "@/lib/tools/types";
import { PROPOSE_PLAN_TOOL } from "./propose-plan-tool";

export const PLAN_FIRST_INSTRUCTIONS =
  "This task requires the person's approval of a plan before you act: your first tool call is propose_plan, alone, with your steps and the tools they use. " +
  "No other tool works until it is approved.";

export const PLAN_NEEDED = `Refused: this task needs the person's approval of a plan first. Call ${PROPOSE_PLAN_TOOL} with your steps and the tools they use, alone, then wait for the answer.`;

/** The tools offered to a run: propose_plan only on plan-first tasks. */
export function offeredTools(tools: readonly ToolDefinition[], work: { planFirst: boolean }): ToolDefinition[] {
  return work.planFirst ? [...tools] : tools.filter((tool) => tool.name !== PROPOSE_PLAN_TOOL);
}

/** The tools of the run's approved plan, or null while no plan is approved. */
export async function approvedPlanTools(db: Db, runId: string): Promise<string[] | null> {
  const approval = await db.approval.findFirst({
    where: { runId, toolName: PROPOSE_PLAN_TOOL, status: "approved" },
    orderBy: { decidedAt: "desc" },
    select: { arguments: true, editedArguments: true },
  });
  if (!approval) return null;
  const plan = (approval.editedArguments ?? approval.arguments) as { tools?: unknown };
  return Array.isArray(plan.tools) ? plan.tools.filter((tool): tool is string => typeof tool === "string") : [];
}
