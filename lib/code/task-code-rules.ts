// The rules a PR handoff task's code tools hold to, taken from the task's own template inputs and
// stored beside the task when it is made: the one repository it works on, its base branch, the
// prefix every pushed branch carries, and the package registries its commands may reach. The
// model's arguments are checked against them, so a prompt (or an issue's text) that talks the
// model into another branch, base or repository meets a refusal, not a push.
import type { Db, DirectSql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { DEFAULT_BRANCH_PREFIX, type BranchRules } from "./branch-rules";
import { parseRepositoryRemote, remoteLocation } from "./repository-url";

export interface TaskCodeRules {
  repository: string;
  baseBranch: string;
  branchPrefix: string;
  /** host or host:port; empty: run_command has no network. */
  registryHosts: string[];
}

/** In the task's own transaction (createTask's, on the driver). */
export async function saveTaskCodeRules(tx: DirectSql, params: { taskId: string; userId: string; rules: TaskCodeRules }): Promise<void> {
  const { rules } = params;
  await tx.query(Prisma.sql`
    INSERT INTO task_code_rules (task_id, user_id, repository, base_branch, branch_prefix, registry_hosts, created_at)
    VALUES (${params.taskId}::uuid, ${params.userId}::uuid, ${rules.repository}, ${rules.baseBranch}, ${rules.branchPrefix}, ${rules.registryHosts}::text[], ${new Date()})`);
}

/** The task's rules, or null for a task not made from the template (the tools' defaults then hold). */
export async function findTaskCodeRules(db: Db, params: { taskId: string; userId: string }): Promise<TaskCodeRules | null> {
  const row = await db.taskCodeRules.findFirst({
    where: { taskId: params.taskId, userId: params.userId },
    select: { repository: true, baseBranch: true, branchPrefix: true, registryHosts: true },
  });
  return row;
}

/** The same remote, however it was spelled (a trailing slash, a path with ".."). */
export function sameRepository(a: string, b: string): boolean {
  const left = parseRepositoryRemote(a);
  const right = parseRepositoryRemote(b);
  if (!left.ok || !right.ok) return a === b;
  const strip = (location: string) => location.replace(/\/+$/, "");
  return left.remote.kind === right.remote.kind && strip(remoteLocation(left.remote)) === strip(remoteLocation(right.remote));
}

export type RulesCheck = { ok: true; rules: BranchRules } | { ok: false; problem: string };

/**
 * The branch rules for one call: the task's own when it has them (the model's repository and base
 * branch must be the task's), else the default prefix on the base branch the model named.
 */
export function branchRulesFor(task: TaskCodeRules | null, asked: { repository?: string; baseBranch?: string }, fallbackPrefix = DEFAULT_BRANCH_PREFIX): RulesCheck {
  if (!task) return { ok: true, rules: { prefix: fallbackPrefix, baseBranch: asked.baseBranch ?? "main" } };
  if (asked.repository !== undefined && !sameRepository(asked.repository, task.repository)) {
    return { ok: false, problem: `This task works on ${task.repository} only, not ${asked.repository}.` };
  }
  if (asked.baseBranch !== undefined && asked.baseBranch !== task.baseBranch) {
    return { ok: false, problem: `This task's base branch is ${task.baseBranch}, not ${asked.baseBranch}.` };
  }
  return { ok: true, rules: { prefix: task.branchPrefix, baseBranch: task.baseBranch } };
}
