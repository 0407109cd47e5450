"use server";

import { revalidatePath } from "next/cache";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { policyRuleInput, setPolicyRule } from "@/lib/policy/risk-policy";
import { parseInput } from "@/lib/http/respond";
import { actionError } from "@/lib/http/action-error";

export async function setPolicyRuleAction(_previous: { error?: string }, form: FormData): Promise<{ error?: string }> {
  const decision = String(form.get("decision") ?? "");
  const parsed = parseInput(policyRuleInput, {
    scope: form.get("scope"),
    key: form.get("key"),
    decision: decision === "default" ? null : decision,
  });
  if (!parsed.ok) return { error: "Choose allow, ask or deny for a risk class or a tool name." };
  try {
    await setPolicyRule(db(), { ...parsed.data, userId: await currentUserId() });
  } catch (error) {
    return { error: actionError(error).message };
  }
  revalidatePath("/settings");
  return {};
}
