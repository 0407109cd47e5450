// Whether a tool call may run, must wait for a person, or is refused. Decided from the user's
// rules and the tool's declared risk, never from anything the agent read or wrote.
import { z } from "zod";
import type { Db } from "@/lib/db";
import type { RiskClass } from "@/lib/tools/types";

export type PolicyDecision = "allow" | "ask" | "deny";

export const RISK_CLASSES = ["read", "write", "external", "destructive"] as const satisfies readonly RiskClass[];

export const DEFAULT_CLASS_POLICY: Record<RiskClass, PolicyDecision> = {
  read: "allow",
  write: "ask",
  external: "ask",
  destructive: "ask",
};

/**
 * Built-in tools that only write inside the task's own workspace or its artifacts: producing the
 * result is the job, so they do not ask by default. A user rule still overrides them.
 */
export const DEFAULT_TOOL_POLICY: Record<string, PolicyDecision> = {
  write_file: "allow",
  write_artifact: "allow",
  // Confined to the task's sandbox (lib/sandbox): the workspace is all they can change.
  run_command: "allow",
  propose_patch: "allow",
  // Starts Baton's own sub-tasks of this task: each one's tool calls follow the policy themselves.
  spawn_subtasks: "allow",
};

/**
 * Classes a tool belongs to beside its risk, deciding whether a call may start at all. Computer use
 * (the model driving a browser from screenshots) is the most dangerous tier: off until the person
 * turns it on (allow, or ask before each start).
 */
export const TOOL_CLASSES = ["computer-use"] as const;
export type ToolClass = (typeof TOOL_CLASSES)[number];
export const DEFAULT_TOOL_CLASS_POLICY: Record<ToolClass, PolicyDecision> = { "computer-use": "deny" };

export async function toolClassPolicyFor(db: Db, params: { userId: string; toolClass: string }): Promise<PolicyDecision> {
  const rule = await db.policyRule.findFirst({ where: { userId: params.userId, scope: "class", key: params.toolClass } });
  return rule?.decision ?? DEFAULT_TOOL_CLASS_POLICY[params.toolClass as ToolClass] ?? "deny";
}

/** Per-task minimums by risk class, e.g. {"external": "ask"}: a template's risk defaults. */
export const policyFloorSchema = z.partialRecord(z.enum(RISK_CLASSES), z.enum(["ask", "deny"]));
export type PolicyFloor = z.infer<typeof policyFloorSchema>;

const strictness: Record<PolicyDecision, number> = { allow: 0, ask: 1, deny: 2 };

/** The user's decision, raised to the task's floor for this risk class when the floor is stricter. */
export function applyFloor(decision: PolicyDecision, floor: PolicyFloor | undefined, risk: RiskClass): PolicyDecision {
  const minimum = floor?.[risk];
  return minimum && strictness[minimum] > strictness[decision] ? minimum : decision;
}

export async function policyFor(db: Db, params: { userId: string; toolName: string; risk: RiskClass }): Promise<PolicyDecision> {
  const rules = await db.policyRule.findMany({
    where: {
      userId: params.userId,
      OR: [
        { scope: "tool", key: params.toolName },
        { scope: "class", key: params.risk },
      ],
    },
  });
  const toolRule = rules.find((rule) => rule.scope === "tool");
  const classRule = rules.find((rule) => rule.scope === "class");
  return toolRule?.decision ?? DEFAULT_TOOL_POLICY[params.toolName] ?? classRule?.decision ?? DEFAULT_CLASS_POLICY[params.risk];
}

export async function setPolicyRule(
  db: Db,
  params: { userId: string; scope: "class" | "tool"; key: string; decision: PolicyDecision | null },
): Promise<void> {
  const where = { userId_scope_key: { userId: params.userId, scope: params.scope, key: params.key } };
  if (params.decision === null) {
    await db.policyRule.deleteMany({ where: { userId: params.userId, scope: params.scope, key: params.key } });
    return;
  }
  await db.policyRule.upsert({
    where,
    create: { userId: params.userId, scope: params.scope, key: params.key, decision: params.decision },
    update: { decision: params.decision },
  });
}

export const policyRuleInput = z.object({
  scope: z.enum(["class", "tool"]),
  key: z.string().trim().min(1).max(100),
  /** null removes the rule, falling back to the default. */
  decision: z.enum(["allow", "ask", "deny"]).nullable(),
});

export interface PolicyView {
  classes: { risk: RiskClass; decision: PolicyDecision; isDefault: boolean }[];
  /** Whether tools of a class of their own (computer use) may start. */
  toolClasses: { toolClass: ToolClass; decision: PolicyDecision; isDefault: boolean }[];
  tools: { tool: string; decision: PolicyDecision }[];
}

export async function getPolicy(db: Db, userId: string): Promise<PolicyView> {
  const rules = await db.policyRule.findMany({ where: { userId }, orderBy: { key: "asc" } });
  return {
    classes: RISK_CLASSES.map((risk) => {
      const rule = rules.find((candidate) => candidate.scope === "class" && candidate.key === risk);
      return { risk, decision: rule?.decision ?? DEFAULT_CLASS_POLICY[risk], isDefault: !rule };
    }),
    toolClasses: TOOL_CLASSES.map((toolClass) => {
      const rule = rules.find((candidate) => candidate.scope === "class" && candidate.key === toolClass);
      return { toolClass, decision: rule?.decision ?? DEFAULT_TOOL_CLASS_POLICY[toolClass], isDefault: !rule };
    }),
    tools: rules.filter((rule) => rule.scope === "tool").map((rule) => ({ tool: rule.key, decision: rule.decision })),
  };
}
