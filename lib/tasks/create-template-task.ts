// A task started from a task template (today: PR handoff): the template's fields validated, its
// title and prompt filled in, and its policy floor on the task, so the floor holds for every run.
import { prHandoffInput, prHandoffPrompt, prHandoffTitle, PR_HANDOFF_POLICY_FLOOR, PR_HANDOFF_TEMPLATE_ID } from "@/lib/code/pr-handoff-template";
import { saveTaskCodeRules } from "@/lib/code/task-code-rules";
import type { Db } from "@/lib/db";
import type { TaskDispatcher } from "@/lib/engine/port";
import { AppError } from "@/lib/errors";
import { parseOrThrow } from "@/lib/http/respond";
import { createTask } from "./create-task";
import type { TaskSummary } from "./views";

export const TASK_TEMPLATES = [
  {
    id: PR_HANDOFF_TEMPLATE_ID,
    name: "PR handoff",
    description: "Fix a failing test or an issue in a repository: a patch, test results before and after, and a draft pull request after you approve the push.",
  },
] as const;

export async function createTemplateTask(
  deps: { db: Db; engine: TaskDispatcher },
  params: { userId: string; templateId: string; fields: Record<string, unknown>; provider?: string; model?: string; idempotencyKey?: string },
): Promise<{ task: TaskSummary; created: boolean }> {
  if (params.templateId !== PR_HANDOFF_TEMPLATE_ID) throw new AppError("NOT_FOUND", { message: "That template is not offered here." });
  const fields = parseOrThrow(prHandoffInput, params.fields);
  return createTask(deps, {
    userId: params.userId,
    title: prHandoffTitle(fields),
    prompt: prHandoffPrompt(fields),
    provider: params.provider,
    model: params.model,
    idempotencyKey: params.idempotencyKey,
    policyFloor: PR_HANDOFF_POLICY_FLOOR,
    // The code tools hold the task to its own repository, base branch, prefix and registries.
    alsoInsert: (tx, task) =>
      saveTaskCodeRules(tx, {
        taskId: task.id,
        userId: task.userId,
        rules: { repository: fields.repository, baseBranch: fields.baseBranch, branchPrefix: fields.branchPrefix, registryHosts: fields.registries },
      }),
  });
}
