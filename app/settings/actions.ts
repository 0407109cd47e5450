"use server";

import { revalidatePath } from "next/cache";
import { db } from "@/lib/db";
import { parseInput } from "@/lib/http/respond";
import { failureOf, userAction, type ActionFailure } from "@/lib/http/server-action";
import { policyRuleInput, setPolicyRule } from "@/lib/policy/risk-policy";

export async function setPolicyRuleAction(_previous: Partial<ActionFailure>, form: FormData): Promise<Partial<ActionFailure>> {
  const decision = String(form.get("decision") ?? "");
  const rule = { scope: form.get("scope"), key: form.get("key"), decision: decision === "default" ? null : decision };
  const parsed = parseInput(policyRuleInput, rule);
  if (!parsed.ok) return { message: "Choose allow, ask or deny for a risk class or a tool name.", fieldErrors: parsed.fieldErrors };
  const result = await userAction("set policy rule", async (user) => {
    await setPolicyRule(db(), { ...parsed.data, userId: user.id });
    revalidatePath("/settings");
  });
  return failureOf(result);
}
