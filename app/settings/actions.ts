"use server";

import { revalidatePath } from "next/cache";
import { currentUserId } from "@/lib/auth/current-user";
import { db } from "@/lib/db";
import { toAppError } from "@/lib/errors";
import { policyRuleInput, setPolicyRule } from "@/lib/policy/risk-policy";

export async function setPolicyRuleAction(_previous: { error?: string }, form: FormData): Promise<{ error?: string }> {
  const decision = String(form.get("decision") ?? "");
  const parsed = policyRuleInput.safeParse({
    scope: form.get("scope"),
    key: form.get("key"),
    decision: decision === "default" ? null : decision,
  });
  if (!parsed.success) return { error: "Choose allow, ask or deny for a risk class or a tool name." };
  try {
    await setPolicyRule(db(), { ...parsed.data, userId: await currentUserId() });
  } catch (error) {
    return { error: toAppError(error).message };
  }
  revalidatePath("/settings");
  return {};
}
