// Whether a tool call may run, must wait for a person, or is refused. Decided from the user's
// rules and the tool's declared risk, never from anything the agent read or wrote.
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
};

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
