// Where a code workspace may push: a branch with the task's prefix, never the base branch, and
// only forward (a force push is never made: the refspec has no "+").
import { z } from "zod";

export const DEFAULT_BRANCH_PREFIX = "baton/";

export const branchNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._/-]+$/, "Use letters, digits, dots, dashes, underscores and slashes.")
  .refine((name) => !name.startsWith("/") && !name.endsWith("/") && !name.includes("//") && !name.includes("..") && !name.endsWith(".lock") && !name.startsWith("-"), {
    message: "That is not a valid branch name.",
  })
  .describe('The branch, e.g. "baton/fix-empty-total".');

export interface BranchRules {
  prefix: string;
  baseBranch: string;
}

/** Why a push to `branch` is refused, or null when it may go. */
export function pushRefusal(branch: string, rules: BranchRules): string | null {
  if (branch === rules.baseBranch) return `Pushing to the base branch ${rules.baseBranch} is refused; push to a branch starting with ${rules.prefix}.`;
  if (!branch.startsWith(rules.prefix) || branch.length === rules.prefix.length) return `Only branches starting with ${rules.prefix} may be pushed, not ${branch}.`;
  return null;
}
