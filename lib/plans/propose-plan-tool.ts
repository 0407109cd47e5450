// propose_plan: on a task that must show its plan first, the agent's first act. The call always
// waits for the person (no policy allows it by itself), who may edit the steps and the tools before
// approving; the approved plan is saved as plan.md, and its tools then run without asking for the
// rest of the run (lib/plans/approved-plan.ts). Offered only on such tasks.
import { z } from "zod";
import type { ToolDefinition } from "@/lib/tools/types";

export const PROPOSE_PLAN_TOOL = "propose_plan";

const input = z.object({
  summary: z.string().trim().min(1, "Say in a sentence what the plan achieves.").max(500).describe("One sentence: what the plan achieves."),
  steps: z
    .array(z.string().trim().min(1, "A step cannot be empty.").max(300))
    .min(1, "A plan has at least one step.")
    .max(20, "Keep the plan to 20 steps.")
    .describe("The steps in order, each naming what it touches, e.g. 'POST the summary to https://hooks.example.com/status'."),
  tools: z
    .array(z.string().trim().regex(/^[\w.-]{1,80}$/, "Name a tool exactly as it is offered."))
    .max(20)
    .describe("The names of the tools the steps use. Once the plan is approved these run without asking; any other tool still follows the person's policy."),
});

export type Plan = z.infer<typeof input>;

export function planMarkdown(plan: Plan): string {
  const steps = plan.steps.map((step, index) => `${index + 1}. ${step}`).join("\n");
  const tools = plan.tools.length > 0 ? plan.tools.map((tool) => `\`${tool}\``).join(", ") : "none";
  return `# Plan\n\n${plan.summary}\n\n## Steps\n\n${steps}\n\n## Tools it uses without asking again\n\n${tools}\n`;
}

export const proposePlanTool: ToolDefinition<typeof input> = {
  name: PROPOSE_PLAN_TOOL,
  description:
    "This task needs the person's approval of your plan before you act. Call this first, alone, with the steps you will take and the tools they use. " +
    "The person may edit the plan; you get back the plan as approved. Follow it; tools not in it still follow the person's policy.",
  input,
  risk: () => "write",
  target: (plan) => `the plan (${plan.steps.length} ${plan.steps.length === 1 ? "step" : "steps"})`,
  idempotent: () => true,
  async run(plan, context) {
    await context.saveArtifact({ name: "plan.md", kind: "markdown", content: planMarkdown(plan) });
    return {
      output: { approved: true, plan, note: "This is the plan as the person approved it (they may have edited it). Carry it out." },
      summary: `Plan approved: ${plan.steps.length} ${plan.steps.length === 1 ? "step" : "steps"}, tools ${plan.tools.join(", ") || "none"}`,
    };
  },
};
